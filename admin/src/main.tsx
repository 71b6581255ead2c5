/** The merchant page's entry: Polaris's styles and English strings, then the page into #root. */
import "@shopify/polaris/build/esm/styles.css"
import { AppProvider } from "@shopify/polaris"
import en from "@shopify/polaris/locales/en.json"
import { StrictMode } from "react"
import { createRoot } from "react-dom/client"
import { App } from "./App"

const root = document.getElementById("root")
if (root) {
  createRoot(root).render(
    <StrictMode>
      <AppProvider i18n={en}>
        <App />
      </AppProvider>
    </StrictMode>
  )
}
