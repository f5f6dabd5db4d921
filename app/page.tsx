import { Dashboard } from "@/components/dashboard";
import { demoAccounts, demoProducts } from "@/lib/orders/demo-data";
import { orderSaga } from "@/lib/orders/order-saga";
import { outline } from "@/lib/view/outline";

// The steps come from the saga definition and the display names from the seed's demo data, on the
// server; which users and products exist, and their numbers, the dashboard reads from the API.
const names: Record<string, string> = Object.fromEntries([...demoProducts, ...demoAccounts].map(({ id, name }) => [id, name]));

export default function Home() {
  return <Dashboard outline={outline(orderSaga)} names={names} />;
}
