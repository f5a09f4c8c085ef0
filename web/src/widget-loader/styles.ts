// The launcher's styles, inside its shadow root. `:host` rules are !important: for important declarations the
// shadow tree wins over the page, so even `* { all: unset !important }` on the product's page cannot move it.
export const WIDGET_CSS = `
:host { all: initial !important; display: block !important; position: fixed !important; inset: auto !important;
  width: 0 !important; height: 0 !important; margin: 0 !important; padding: 0 !important; border: 0 !important;
  transform: none !important; filter: none !important; opacity: 1 !important; visibility: visible !important;
  z-index: 2147483000 !important; }
.sc { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2933; }
.launcher { position: fixed; bottom: 20px; right: 20px; width: 56px; height: 56px; margin: 0; padding: 0;
  border: 0; border-radius: 50%; background: #0b57d0; color: #fff; cursor: pointer; display: flex;
  align-items: center; justify-content: center; box-shadow: 0 4px 14px rgba(15, 23, 42, 0.3); }
.launcher:hover { background: #0842a0; }
.launcher:focus-visible, .close:focus-visible { outline: 3px solid #f59e0b; outline-offset: 2px; }
.launcher svg { width: 28px; height: 28px; fill: currentColor; }
.badge { position: fixed; bottom: 58px; right: 14px; min-width: 20px; height: 20px; padding: 0 6px;
  box-sizing: border-box; border-radius: 10px; background: #d92d20; color: #fff; font: 700 12px/20px system-ui, sans-serif;
  text-align: center; pointer-events: none; }
.badge[hidden], .pending .launcher, .pending .badge, .no-launcher .launcher, .no-launcher .badge { display: none; }
.panel { position: fixed; bottom: 88px; right: 20px; width: 380px; height: 600px; max-height: calc(100vh - 108px);
  display: none; background: #fff; border-radius: 12px; overflow: hidden; box-shadow: 0 12px 40px rgba(15, 23, 42, 0.3); }
.open .panel { display: block; }
.left .launcher, .left .panel { right: auto; left: 20px; }
.left .badge { right: auto; left: 58px; }
iframe { display: block; width: 100%; height: 100%; border: 0; margin: 0; padding: 0; background: #fff; }
/* Drawn over the chat's blue header. */
.close { position: absolute; top: 8px; right: 8px; width: 32px; height: 32px; margin: 0; padding: 0; border: 0;
  border-radius: 50%; background: rgba(255, 255, 255, 0.18); color: #fff; font: 22px/32px system-ui, sans-serif;
  cursor: pointer; z-index: 1; }
.close:hover { background: rgba(255, 255, 255, 0.32); }
@media (max-width: 480px) {
  .panel, .left .panel { top: 0; left: 0; right: 0; bottom: 0; width: 100%; height: 100%; max-height: none; border-radius: 0; }
  .open .launcher, .open .badge { display: none; }
}
`;

export const LAUNCHER_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';
