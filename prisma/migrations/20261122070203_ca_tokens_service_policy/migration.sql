-- AlterTable
ALTER TABLE "Service" ADD COLUMN "policy" JSONB;

-- CreateTable
CREATE TABLE "CertificateAuthority" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "certPem" TEXT NOT NULL,
    "keyPem" TEXT NOT NULL,
    "keyEncrypted" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "WorkloadToken" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "service" TEXT NOT NULL,
    "namespace" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "createdBy" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateIndex
CREATE UNIQUE INDEX "WorkloadToken_tokenHash_key" ON "WorkloadToken"("tokenHash");

-- CreateIndex
CREATE INDEX "WorkloadToken_namespace_service_idx" ON "WorkloadToken"("namespace", "service");

