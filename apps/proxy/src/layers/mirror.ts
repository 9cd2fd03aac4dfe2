// Request mirroring (route.request_mirror_policies): a share of requests is also sent, fire and
// forget, to another cluster with `-shadow` appended to the host. The shadow's body is teed from
// the downstream stream without backpressure, trailers included: if the mirror falls behind by
// more than 1 MiB it is dropped, so the primary is never slowed; its response and failures are
// discarded.
import type { IncomingHttpHeaders } from "node:http";
import { PassThrough } from "node:stream";
import { emitTrailersBeforeEnd } from "../core/body-trailers";
import type { Clock } from "../core/clock";
import type { Handler, Layer } from "../core/layer";
import { RequestContext } from "../core/request-context";
import type { MirrorPolicy } from "../core/traffic-policy";
import { discardResponse } from "../resilience/deadline";
import { CancelSignal } from "../resilience/cancel-signal";
import { hostOf } from "../routing/route-match";

/** Bytes a slow mirror may lag behind the primary before it is dropped. */
export const MIRROR_MAX_LAG_BYTES = 1024 * 1024;
/** A mirror that has not answered in this long is cancelled, ms. */
export const MIRROR_TIMEOUT_MS = 15_000;

export interface MirrorLayerParams {
  clock: Clock;
  random: () => number;
  /** The terminal forwarder: shadows skip retries, breakers and the rest of the stack. */
  forward: Handler;
  /** Called when a shadow request finished (status, or 0 when it failed); for tests and telemetry. */
  onShadowDone?: (cluster: string, status: number) => void;
}

function shadowAuthority(authority: string): string {
  const host = hostOf(authority);
  return host + "-shadow" + authority.slice(host.length);
}

export function mirrorLayer(params: MirrorLayerParams): Layer {
  const { clock, random, forward, onShadowDone } = params;

  function startShadow(ctx: RequestContext, m: MirrorPolicy): void {
    const cluster = ctx.config.clusters.get(m.cluster);
    const host = cluster?.balancer.pick(clock.now(), ctx.hash);
    if (cluster === undefined || host === undefined) {
      onShadowDone?.(m.cluster, 0);
      return;
    }
    const authority = shadowAuthority(ctx.authority);
    const headers = { ...ctx.headers, host: authority };
    const shadow = new RequestContext(ctx.direction, ctx.config, ctx.downstream, ctx.method, authority, ctx.path, headers, ctx.hasBody, ctx.source, ctx.destination, ctx.startedAt);
    shadow.cluster = cluster;
    shadow.endpoint = host;
    if (ctx.hasBody) shadow.requestBody = tee(ctx);
    else shadow.requestBody = null;
    const cancel = new CancelSignal();
    shadow.signal = cancel.asAbortSignal();
    const timer = clock.setTimeout(() => cancel.abort(), MIRROR_TIMEOUT_MS);
    forward(shadow).then(
      (res) => {
        timer.cancel();
        discardResponse(res);
        onShadowDone?.(m.cluster, res.status);
      },
      () => {
        timer.cancel();
        onShadowDone?.(m.cluster, 0);
      },
    );
  }

  return (next) =>
    function mirrorHandler(ctx) {
      const mirrors = ctx.route!.policy.mirrors;
      for (let i = 0; i < mirrors.length; i++) {
        const m = mirrors[i]!;
        if (m.fraction >= 1 || random() < m.fraction) startShadow(ctx, m);
      }
      return next(ctx);
    };
}

/** A copy of the downstream body that never pushes back on it: dropped when it lags too far. */
function tee(ctx: RequestContext): PassThrough {
  const copy = new PassThrough();
  // The shadow's fate never matters: a failed shadow stops reading this copy, which is dropped once it lags too far.
  copy.on("error", ignore);
  const source = ctx.downstream;
  const onData = (chunk: Buffer) => {
    copy.write(chunk);
    if (copy.writableLength > MIRROR_MAX_LAG_BYTES) {
      done();
      copy.destroy(new Error("mirror fell behind the primary request"));
    }
  };
  const onTrailers = (t: IncomingHttpHeaders) => emitTrailersBeforeEnd(copy, t);
  const onEnd = () => {
    done();
    copy.end();
  };
  const onClose = () => {
    done();
    if (!copy.writableEnded) copy.destroy(new Error("downstream closed"));
  };
  const done = () => {
    source.off("data", onData).off("end", onEnd).off("close", onClose).off("trailers", onTrailers);
  };
  source.on("data", onData).once("end", onEnd).once("close", onClose).once("trailers", onTrailers);
  return copy;
}

function ignore(): void {}
