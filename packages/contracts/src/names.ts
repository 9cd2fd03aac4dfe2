// Naming rules shared by every resource a user creates (services, versions, routes, namespaces).
import { z } from "zod";

import { DNS_LABEL, NAME_EMPTY, NAME_MAX_LENGTH, NAME_RULE, NAME_TOO_LONG, PROTOCOLS } from "./naming";

/** A DNS label: what services are addressed by, so it must be valid in a Host header. */
export const NameSchema = z
  .string()
  .min(1, NAME_EMPTY)
  .max(NAME_MAX_LENGTH, NAME_TOO_LONG)
  .regex(DNS_LABEL, NAME_RULE);

export const NamespaceSchema = NameSchema;

/** How a service speaks: HTTP (1.1 or 2), gRPC, or opaque TCP. */
export const ProtocolSchema = z.enum(PROTOCOLS, { error: `must be one of ${PROTOCOLS.join(", ")}` });

export const PortSchema = z
  .number({ error: "must be a number" })
  .int("must be a whole number")
  .min(1, "must be between 1 and 65535")
  .max(65535, "must be between 1 and 65535");

const LABEL_KEY = /^([a-z0-9.-]+\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
export const LabelsSchema = z
  .record(
    z.string().max(63).regex(LABEL_KEY, "label keys are like \"version\" or \"weft.io/track\""),
    z.string().max(63, "label values must be at most 63 characters"),
  )
  .refine((l) => Object.keys(l).length <= 32, "at most 32 labels");

export const IdSchema = z.string().min(1, "must not be empty").max(64);
