// CommonTlsContext of Upstream/DownstreamTlsContext -> what the sidecar honours: the certificate
// and trust bundle by reference to the certificate provider instance "weft" (the identity module),
// URI SAN matchers on SPIFFE IDs, and ALPN. Inline certificates, SDS, custom validation and TLS
// parameters are NACKed, naming the field.
import { CERTIFICATE_PROVIDER_INSTANCE } from "@weft/contracts";
import type { SanMatcher } from "../../core/transport-config";
import { firstSet, nack, NOT_YET, type CertificateValidationContextWire, type CommonTlsContextWire, type StringMatcherWire } from "./wire";

export interface CommonTls {
  readonly alpn: readonly string[];
  readonly san: readonly SanMatcher[];
}

function toSanMatcher(m: StringMatcherWire | undefined, where: string): SanMatcher {
  if (m === undefined) return nack(where, "matcher is missing");
  if (m.ignore_case) nack(where, `matcher.ignore_case ${NOT_YET}`);
  if (m.safe_regex) nack(where, `matcher.safe_regex ${NOT_YET} (exact, prefix, suffix or contains)`);
  if (m.exact !== undefined) return { kind: "exact", value: m.exact };
  if (m.prefix !== undefined) return { kind: "prefix", value: m.prefix };
  if (m.suffix !== undefined) return { kind: "suffix", value: m.suffix };
  if (m.contains !== undefined) return { kind: "contains", value: m.contains };
  return nack(where, "matcher sets no pattern");
}

function toValidation(v: CertificateValidationContextWire, where: string): readonly SanMatcher[] {
  const unsupported = firstSet(v, [
    "trusted_ca", "system_root_certs", "watched_directory", "verify_certificate_spki", "verify_certificate_hash", "crl",
    "allow_expired_certificate", "custom_validator_config", "only_verify_leaf_cert_crl",
  ]);
  if (unsupported) nack(where, `${unsupported} ${NOT_YET} (the trust bundle comes from ca_certificate_provider_instance "${CERTIFICATE_PROVIDER_INSTANCE}")`);
  if (v.trust_chain_verification && v.trust_chain_verification !== "VERIFY_TRUST_CHAIN") nack(where, `trust_chain_verification ${v.trust_chain_verification} ${NOT_YET}`);
  if (v.require_signed_certificate_timestamp?.value) nack(where, `require_signed_certificate_timestamp ${NOT_YET}`);
  if ((v.match_subject_alt_names?.length ?? 0) > 0) nack(where, `match_subject_alt_names ${NOT_YET}; use match_typed_subject_alt_names with san_type URI`);
  const instance = v.ca_certificate_provider_instance?.instance_name;
  if (instance !== CERTIFICATE_PROVIDER_INSTANCE) {
    nack(where, `ca_certificate_provider_instance.instance_name must be "${CERTIFICATE_PROVIDER_INSTANCE}" (the mesh trust bundle), got ${instance === undefined ? "none" : `"${instance}"`}`);
  }
  if (v.ca_certificate_provider_instance?.certificate_name) nack(where, `ca_certificate_provider_instance.certificate_name ${NOT_YET}`);
  return (v.match_typed_subject_alt_names ?? []).map((m, i) => {
    const at = `${where} match_typed_subject_alt_names[${i}]`;
    if (m.san_type !== "URI") nack(at, `san_type ${m.san_type ?? "SAN_TYPE_UNSPECIFIED"} ${NOT_YET} (URI: SPIFFE IDs)`);
    return toSanMatcher(m.matcher, `${at}`);
  });
}

/** `requireValidation`: a validation context must be present (upstream TLS, or STRICT client certificates). */
export function toCommonTls(c: CommonTlsContextWire | undefined, where: string, requireValidation: boolean): CommonTls {
  const at = `${where} common_tls_context`;
  if (c === undefined) return nack(where, `common_tls_context is missing (needs tls_certificate_provider_instance "${CERTIFICATE_PROVIDER_INSTANCE}")`);
  const unsupported = firstSet(c, [
    "tls_params", "tls_certificates", "tls_certificate_sds_secret_configs", "tls_certificate_certificate_provider",
    "tls_certificate_certificate_provider_instance", "validation_context_sds_secret_config", "validation_context_certificate_provider",
    "validation_context_certificate_provider_instance", "custom_handshaker", "key_log",
  ]);
  if (unsupported) nack(at, `${unsupported} ${NOT_YET} (certificates come from the certificate provider instance "${CERTIFICATE_PROVIDER_INSTANCE}")`);
  const instance = c.tls_certificate_provider_instance?.instance_name;
  if (instance !== CERTIFICATE_PROVIDER_INSTANCE) {
    nack(at, `tls_certificate_provider_instance.instance_name must be "${CERTIFICATE_PROVIDER_INSTANCE}" (the sidecar's identity), got ${instance === undefined ? "none" : `"${instance}"`}`);
  }
  if (c.tls_certificate_provider_instance?.certificate_name) nack(at, `tls_certificate_provider_instance.certificate_name ${NOT_YET}`);
  let validation: CertificateValidationContextWire | undefined;
  if (c.combined_validation_context) {
    if (c.combined_validation_context.validation_context_sds_secret_config) nack(`${at} combined_validation_context`, `validation_context_sds_secret_config ${NOT_YET}`);
    validation = c.combined_validation_context.default_validation_context;
    if (validation === undefined) nack(`${at} combined_validation_context`, "default_validation_context is missing");
  } else {
    validation = c.validation_context;
  }
  if (validation === undefined && requireValidation) {
    nack(at, `validation_context is missing: peers are verified against ca_certificate_provider_instance "${CERTIFICATE_PROVIDER_INSTANCE}"`);
  }
  const san = validation === undefined ? [] : toValidation(validation, `${at} ${c.combined_validation_context ? "combined_validation_context.default_validation_context" : "validation_context"}`);
  const alpn = c.alpn_protocols ?? [];
  for (const p of alpn) if (p !== "h2" && p !== "http/1.1") nack(at, `alpn_protocols "${p}" ${NOT_YET} (h2, http/1.1)`);
  return { alpn, san };
}
