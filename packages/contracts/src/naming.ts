// The naming rules of names.ts without zod, for the sidecar (which loads no API schema at run time).

/** A DNS label: what services are addressed by, so it must be valid in a Host header. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** A DNS label's length limit (RFC 1035). */
export const NAME_MAX_LENGTH = 63;
export const NAME_EMPTY = "must not be empty";
export const NAME_TOO_LONG = `must be at most ${NAME_MAX_LENGTH} characters`;
export const NAME_RULE = "use lowercase letters, digits and '-', starting and ending with a letter or digit (e.g. \"reviews-v2\")";

/** How a service speaks: HTTP (1.1 or 2), gRPC, or opaque TCP. */
export const PROTOCOLS = ["http", "grpc", "tcp"] as const;
export type Protocol = (typeof PROTOCOLS)[number];
