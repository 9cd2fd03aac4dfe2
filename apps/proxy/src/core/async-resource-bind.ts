// Node 20's AsyncResource#bind builds two util.deprecate() wrappers on every call (the getter and
// setter of the deprecated `asyncResource` property, DEP0172), and node:http2's client calls it once
// per request (ClientHttp2Session#request binds its "on connect" callback). On the sidecar→sidecar
// path that was ~8 µs of CPU per request — more than all of Weft's routing and policy.
// installCheapAsyncResourceBind() swaps in a bind with the same behaviour (the bound function runs
// in the resource's async scope with the caller's `this` and arguments, keeps `length`, and still
// carries `asyncResource`, as a plain property that never warns) and no per-call deprecate().
// A Node whose bind no longer defines the deprecated accessor is left alone.
import { AsyncResource } from "node:async_hooks";

const kCheap = Symbol.for("weft.cheapAsyncResourceBind");

type Bind = AsyncResource["bind"] & { [kCheap]?: true };

function cheapBind<Func extends (...args: any[]) => any>(this: AsyncResource, fn: Func, thisArg?: unknown): Func {
  if (typeof fn !== "function") {
    throw Object.assign(new TypeError(`The "fn" argument must be of type function. Received ${fn === null ? "null" : typeof fn}`), { code: "ERR_INVALID_ARG_TYPE" });
  }
  const resource = this;
  const bound =
    thisArg === undefined
      ? function (this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : resource.runInAsyncScope.bind(resource, fn, thisArg);
  Object.defineProperty(bound, "length", { configurable: true, enumerable: false, value: fn.length, writable: false });
  Object.defineProperty(bound, "asyncResource", { configurable: true, enumerable: true, value: resource, writable: true });
  return bound as unknown as Func;
}
(cheapBind as Bind)[kCheap] = true;

/** Whether this Node's AsyncResource#bind defines the per-call deprecated accessor. */
export function bindHasDeprecatedAccessor(): boolean {
  const bound = new AsyncResource("weft-probe").bind(() => {});
  return typeof Object.getOwnPropertyDescriptor(bound, "asyncResource")?.get === "function";
}

/** Idempotent; returns whether the cheap bind is in place afterwards. */
export function installCheapAsyncResourceBind(): boolean {
  const proto = AsyncResource.prototype as { bind: Bind };
  if (proto.bind[kCheap]) return true;
  if (!bindHasDeprecatedAccessor()) return false;
  proto.bind = cheapBind as Bind;
  return true;
}
