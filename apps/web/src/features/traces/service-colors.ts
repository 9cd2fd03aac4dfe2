// Colours that tell services apart in traces (waterfall bars, chips): a service's slot in a list
// the view agrees on (sorted names in lists, order of appearance in a waterfall).
import { versionColor } from "../../ui/palette";

export function serviceColor(services: readonly string[], service: string): string {
  const i = services.indexOf(service);
  return i < 0 ? "var(--faint)" : versionColor(i);
}
