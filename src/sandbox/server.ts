/**
 * The node:http server: reads each request into an `Incoming`, hands it to the first of the
 * three route groups that claims it (the gateway API, the hosted checkout, the control API),
 * and writes the answer. Anything else is a JSON 404.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { SandboxContext } from "./context"
import { createControlApi } from "./control"
import { createHostedCheckout } from "./hosted-checkout"
import { type Answer, BodyTooLarge, type Incoming, jsonAnswer, MAX_BODY_BYTES, problem, toIncoming, writeAnswer } from "./http"
import { API_PREFIX, createMerchantApi } from "./merchant-api"

export interface ListeningServer {
  url: string
  close(): Promise<void>
}

function route(context: SandboxContext): (incoming: Incoming) => Promise<Answer> {
  const merchantApi = createMerchantApi(context)
  const hostedCheckout = createHostedCheckout(context)
  const controlApi = createControlApi(context)
  return async (incoming) => {
    if (incoming.path === API_PREFIX || incoming.path.startsWith(`${API_PREFIX}/`)) return merchantApi(incoming)
    const answer = hostedCheckout(incoming) ?? controlApi(incoming)
    if (answer) return answer
    if (incoming.path === "/" && incoming.method === "GET") {
      return jsonAnswer(200, { service: "USDT gateway sandbox", api: `${context.baseUrl}${API_PREFIX}`, control: `${context.baseUrl}/__sandbox` })
    }
    return problem(404, `Not found: ${incoming.method} ${incoming.path}.`)
  }
}

function listenOn(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once("error", onError)
    server.listen(port, host, () => {
      server.off("error", onError)
      const address = server.address()
      if (address && typeof address === "object") resolve(address)
      else reject(new Error("the sandbox server has no TCP address"))
    })
  })
}

export async function startServer(context: SandboxContext): Promise<ListeningServer> {
  const handle = route(context)
  const server = createServer((request, response) => {
    toIncoming(request)
      .then(handle)
      .catch((error: unknown) => {
        if (error instanceof BodyTooLarge) return problem(413, `The request body is larger than ${MAX_BODY_BYTES} bytes.`)
        context.log.warn(`${request.method} ${request.url?.split("?")[0]} failed: ${error instanceof Error ? error.message : String(error)}`)
        return problem(500, "The sandbox failed to handle this request (a sandbox bug; see its console).")
      })
      .then((answer) => writeAnswer(response, answer, context.secrets))
  })
  const { port, family } = await listenOn(server, context.options.port, context.options.host)
  const host = context.options.host
  const shown = host === "0.0.0.0" || host === "::" ? "127.0.0.1" : family === "IPv6" ? `[${host}]` : host
  return {
    url: `http://${shown}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
