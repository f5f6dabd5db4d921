-- AlterTable
ALTER TABLE "sagas" ADD COLUMN "options" TEXT NOT NULL DEFAULT '{}';
