-- CreateTable
CREATE TABLE "TelemetrySecond" (
    "replica" TEXT NOT NULL,
    "bucket" BIGINT NOT NULL,
    "series" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "TelemetrySecond_pkey" PRIMARY KEY ("replica","bucket")
);

-- CreateTable
CREATE TABLE "TelemetryMinute" (
    "replica" TEXT NOT NULL,
    "bucket" BIGINT NOT NULL,
    "series" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,

    CONSTRAINT "TelemetryMinute_pkey" PRIMARY KEY ("replica","bucket")
);

