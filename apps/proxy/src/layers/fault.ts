// Fault injection (envoy.filters.http.fault): for requests matching the fault's headers, delay by
// fixed_delay with the delay percentage, then abort with http_status with the abort percentage.
// The route's typed_per_filter_config overrides the listener's filter config; without the filter
// in the listener's HCM nothing happens (as Envoy). Delays run on the injected clock.
import { ErrorCode } from "@weft/contracts";
import type { Clock } from "../core/clock";
import type { Layer, ProxyResponse } from "../core/layer";
import type { RequestContext } from "../core/request-context";
import type { FaultPolicy } from "../core/traffic-policy";
import { ProxyError } from "../core/errors";
import { headersMatch } from "../routing/route-match";
import { sleep } from "../resilience/deadline";

export interface FaultLayerParams {
  clock: Clock;
  random: () => number;
}

export function faultLayer(params: FaultLayerParams): Layer {
  const { clock, random } = params;
  return (next) => {
    function abortOrForward(ctx: RequestContext, fault: FaultPolicy): Promise<ProxyResponse> {
      if (fault.abortStatus !== undefined && fault.abortFraction > 0 && random() < fault.abortFraction) {
        ctx.reason = "fault_injected";
        throw new ProxyError(ErrorCode.FaultInjected, `fault injected: route "${ctx.route!.name}" aborts with ${fault.abortStatus}`, fault.abortStatus);
      }
      return next(ctx);
    }
    async function delayed(ctx: RequestContext, fault: FaultPolicy): Promise<ProxyResponse> {
      ctx.reason = "fault_delayed";
      await sleep(clock, fault.delayMs);
      return abortOrForward(ctx, fault);
    }
    return function faultHandler(ctx) {
      const filter = ctx.config[ctx.direction]?.httpFilters?.fault;
      if (filter === undefined) return next(ctx);
      const fault = ctx.route!.policy.fault ?? filter.config;
      if (fault === undefined || (fault.headers.length > 0 && !headersMatch(fault.headers, ctx))) return next(ctx);
      // Envoy: the delay first, then the abort decision.
      if (fault.delayMs > 0 && fault.delayFraction > 0 && random() < fault.delayFraction) return delayed(ctx, fault);
      return abortOrForward(ctx, fault);
    };
  };
}
