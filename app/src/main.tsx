import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { App } from "./App";
import "./styles.css";

const root = document.getElementById("root");
if (root === null) throw new Error("index.html has no #root element");

if (window.top !== window.self) {
  // Frame-buster, for hosts that do not send the frame-ancestors / X-Frame-Options headers: a page
  // framed by another site could trick a contributor into clicks (clickjacking), so it never renders.
  root.textContent = "This dashboard does not run inside a frame: open it directly in its own tab.";
  try {
    if (window.top !== null) window.top.location.href = window.location.href;
  } catch {
    // a sandboxed frame cannot navigate its parent: the page stays empty
  }
} else {
  createRoot(root).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
}
