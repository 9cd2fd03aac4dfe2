-- CreateTable
CREATE TABLE "TelemetrySecond" (
    "replica" TEXT NOT NULL,
    "bucket" BIGINT NOT NULL,
    "series" INTEGER NOT NULL,
    "data" BLOB NOT NULL,

    PRIMARY KEY ("replica", "bucket")
);

-- CreateTable
CREATE TABLE "TelemetryMinute" (
    "replica" TEXT NOT NULL,
    "bucket" BIGINT NOT NULL,
    "series" INTEGER NOT NULL,
    "data" BLOB NOT NULL,

    PRIMARY KEY ("replica", "bucket")
);

