// /api/* → the controller (tRPC at /api/trpc, REST at /api/v1), same-origin for the browser.
import { env } from "../../../env";
import { forwardToController } from "../../../server/forward";

export const dynamic = "force-dynamic";

const forward = (request: Request) => forwardToController(request, env().controllerUrl);

export { forward as GET, forward as POST, forward as PUT, forward as PATCH, forward as DELETE, forward as HEAD, forward as OPTIONS };
