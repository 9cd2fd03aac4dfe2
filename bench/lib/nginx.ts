// The nginx parts of the benchmark, each a private instance (own prefix, config, pid and logs in
// the run's temp directory, 127.0.0.1 ports, one worker, `daemon off` so the group can stop it):
// the 1 KiB upstream, nginx as a plaintext reverse proxy (the baseline), and an nginx → nginx mTLS
// pair (the baseline for two sidecars), with certificates from a throwaway openssl CA.
import { execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Managed, ProcessGroup } from "./processes";

export const NGINX = "/usr/sbin/nginx";
/** The upstream's answer: exactly 1 KiB. */
export const BODY_BYTES = 1024;
export const BODY_PATH = "/1k";

// Same keep-alive limits everywhere, so no tool reconnects every 100/1000 requests (nginx defaults).
const COMMON = `
worker_processes 1;
worker_rlimit_nofile 65536;
events { worker_connections 16384; multi_accept on; }
`;
const HTTP_COMMON = `
  access_log off;
  keepalive_requests 100000000;
  keepalive_timeout 300s;
  default_type application/octet-stream;
`;

function instanceDir(root: string, name: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, "logs"), { recursive: true });
  // When run as root the worker runs as nobody: it must read the prefix (the temp root is 0700).
  chmodSync(root, 0o755);
  chmodSync(dir, 0o755);
  return dir;
}

function start(group: ProcessGroup, root: string, name: string, conf: string, cpu: number): Managed {
  const dir = instanceDir(root, name);
  const file = join(dir, "nginx.conf");
  writeFileSync(file, `pid ${join(dir, "nginx.pid")};\nerror_log ${join(dir, "logs/error.log")} warn;\n${COMMON}\n${conf}\n`);
  // -e: the error log before the config is read (else the system's /var/log/nginx/error.log).
  return group.start(name, NGINX, ["-p", dir, "-c", file, "-e", join(dir, "logs/error.log"), "-g", "daemon off;"], { cpu });
}

/** nginx serving a static 1 KiB file from memory-cached metadata: cheap, so it is never the bottleneck. */
export function startUpstream(group: ProcessGroup, root: string, port: number, cpu: number): Managed {
  const dir = instanceDir(root, "upstream");
  const www = join(dir, "www");
  mkdirSync(www, { recursive: true });
  chmodSync(www, 0o755);
  writeFileSync(join(www, BODY_PATH.slice(1)), Buffer.alloc(BODY_BYTES, "w"), { mode: 0o644 });
  return start(group, root, "upstream", `
http {${HTTP_COMMON}
  open_file_cache max=16 inactive=1h;
  open_file_cache_valid 1h;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / { root ${www}; }
  }
}`, cpu);
}

const proxyTo = (upstreamPort: number, extra = "") => `
  upstream app { server 127.0.0.1:${upstreamPort}; keepalive 128; keepalive_requests 100000000; keepalive_timeout 300s; }
  server {
    ${extra}
    location / {
      proxy_pass http://app;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffering on;
    }
  }`;

/** nginx as a plaintext reverse proxy with an upstream keep-alive pool: the usual baseline. */
export function startReverseProxy(group: ProcessGroup, root: string, port: number, upstreamPort: number, cpu: number): Managed {
  return start(group, root, "nginx-proxy", `http {${HTTP_COMMON}${proxyTo(upstreamPort, `listen 127.0.0.1:${port} backlog=4096;`)}\n}`, cpu);
}

export interface Certs {
  ca: string;
  frontCert: string;
  frontKey: string;
  backCert: string;
  backKey: string;
}

/** A throwaway ECDSA P-256 CA and two leaves (as the mesh CA issues), via the openssl CLI. */
export function makeCerts(root: string): Certs {
  const dir = join(root, "certs");
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
  const f = (n: string) => join(dir, n);
  const ssl = (...args: string[]) => execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
  ssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f("ca.key"), "-out", f("ca.pem"), "-days", "2", "-subj", "/CN=bench-ca");
  for (const who of ["front", "back"]) {
    ssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f(`${who}.key`), "-out", f(`${who}.csr`), "-subj", `/CN=${who}.bench`);
    writeFileSync(f(`${who}.ext`), `subjectAltName=DNS:${who}.bench,URI:spiffe://bench.local/ns/bench/sa/${who}\nextendedKeyUsage=serverAuth,clientAuth\n`);
    ssl("x509", "-req", "-in", f(`${who}.csr`), "-CA", f("ca.pem"), "-CAkey", f("ca.key"), "-CAcreateserial", "-out", f(`${who}.pem`), "-days", "1", "-extfile", f(`${who}.ext`));
    chmodSync(f(`${who}.key`), 0o644); // the nginx worker (nobody when run as root) reads it; a temp key of a throwaway CA
  }
  return { ca: f("ca.pem"), frontCert: f("front.pem"), frontKey: f("front.key"), backCert: f("back.pem"), backKey: f("back.key") };
}

/**
 * nginx → nginx over mTLS: the front takes plaintext HTTP/1.1 and proxies over TLS (client
 * certificate, verified server name, keep-alive and session reuse) to the back, which requires and
 * verifies a client certificate and proxies to the upstream. nginx proxies HTTP/1.1 only (no HTTP/2
 * upstream), unlike the sidecars.
 */
export function startMtlsPair(group: ProcessGroup, root: string, frontPort: number, backPort: number, upstreamPort: number, certs: Certs, cpu: number): Managed[] {
  const back = start(group, root, "nginx-mtls-back", `http {${HTTP_COMMON}${proxyTo(upstreamPort, `
    listen 127.0.0.1:${backPort} ssl backlog=4096;
    ssl_protocols TLSv1.3;
    ssl_certificate ${certs.backCert};
    ssl_certificate_key ${certs.backKey};
    ssl_client_certificate ${certs.ca};
    ssl_verify_client on;`)}\n}`, cpu);
  const front = start(group, root, "nginx-mtls-front", `
http {${HTTP_COMMON}
  upstream back { server 127.0.0.1:${backPort}; keepalive 128; keepalive_requests 100000000; keepalive_timeout 300s; }
  server {
    listen 127.0.0.1:${frontPort} backlog=4096;
    location / {
      proxy_pass https://back;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_ssl_protocols TLSv1.3;
      proxy_ssl_certificate ${certs.frontCert};
      proxy_ssl_certificate_key ${certs.frontKey};
      proxy_ssl_trusted_certificate ${certs.ca};
      proxy_ssl_verify on;
      proxy_ssl_name back.bench;
      proxy_ssl_session_reuse on;
    }
  }
}`, cpu);
  return [front, back];
}
