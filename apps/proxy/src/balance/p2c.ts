// Two distinct random hosts for power-of-two-choices balancers (n >= 2).
import type { Host } from "./host";

export function drawTwo(hosts: readonly Host[], random: () => number): [Host, Host] {
  const n = hosts.length;
  const i = Math.floor(random() * n) % n;
  let j = Math.floor(random() * (n - 1)) % (n - 1);
  if (j >= i) j++;
  return [hosts[i]!, hosts[j]!];
}
