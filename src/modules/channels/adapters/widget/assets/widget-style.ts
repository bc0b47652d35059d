/**
 * The widget's stylesheet, served as GET /widget.css and linked from inside the widget's shadow root: the host
 * page's styles cannot reach the widget and ours cannot leak out. A file, not an inline <style>, so a site with a
 * strict Content-Security-Policy (no 'unsafe-inline') can embed the widget.
 */
export const WIDGET_STYLE = String.raw`:host {
  all: initial;
}

.volna {
  --volna-accent: #6d28d9;
  --volna-accent-text: #ffffff;
  font: 15px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif;
  color: #1f2330;
}

[hidden] {
  display: none !important;
}

.sr-only {
  position: absolute;
  width: 1px;
  height: 1px;
  margin: -1px;
  padding: 0;
  overflow: hidden;
  clip: rect(0 0 0 0);
  white-space: nowrap;
  border: 0;
}

button,
input,
textarea {
  font: inherit;
}

button:focus-visible,
a:focus-visible,
input[type='checkbox']:focus-visible,
summary:focus-visible {
  outline: 3px solid #f59e0b;
  outline-offset: 2px;
}

input[type='tel']:focus,
textarea:focus {
  outline: 2px solid var(--volna-accent);
  outline-offset: 0;
  border-color: var(--volna-accent);
}

.launcher {
  position: fixed;
  right: 20px;
  bottom: 20px;
  z-index: 2147483000;
  display: inline-flex;
  align-items: center;
  gap: 8px;
  min-height: 48px;
  padding: 12px 20px;
  border: 0;
  border-radius: 999px;
  background: var(--volna-accent);
  color: var(--volna-accent-text);
  font-weight: 600;
  box-shadow: 0 6px 20px rgba(0, 0, 0, 0.22);
  cursor: pointer;
}

.launcher svg {
  width: 22px;
  height: 22px;
  fill: currentColor;
}

.badge {
  position: absolute;
  top: 4px;
  right: 6px;
  width: 12px;
  height: 12px;
  border: 2px solid #ffffff;
  border-radius: 50%;
  background: #ef4444;
}

.is-open .launcher {
  display: none;
}

.panel {
  position: fixed;
  right: 20px;
  bottom: 20px;
  z-index: 2147483001;
  display: flex;
  flex-direction: column;
  width: 380px;
  height: min(620px, calc(100vh - 40px));
  overflow: hidden;
  background: #ffffff;
  border-radius: 16px;
  box-shadow: 0 12px 40px rgba(0, 0, 0, 0.25);
}

.header {
  display: flex;
  flex: 0 0 auto;
  align-items: center;
  justify-content: space-between;
  gap: 8px;
  padding: 8px 8px 8px 16px;
  background: var(--volna-accent);
  color: var(--volna-accent-text);
}

.title {
  margin: 0;
  font-size: 17px;
  font-weight: 600;
}

.close {
  width: 44px;
  height: 44px;
  border: 0;
  border-radius: 8px;
  background: transparent;
  color: inherit;
  font-size: 28px;
  line-height: 1;
  cursor: pointer;
}

.body {
  flex: 1 1 auto;
  padding: 12px 16px;
  overflow-y: auto;
  overscroll-behavior: contain;
  background: #f5f5f8;
}

.intro {
  margin: 0 0 12px;
  color: #4b5060;
  font-size: 14px;
}

.log {
  display: flex;
  flex-direction: column;
  gap: 8px;
  margin: 0;
  padding: 0;
  list-style: none;
}

.msg {
  max-width: 85%;
  padding: 8px 12px;
  border-radius: 14px;
  white-space: pre-wrap;
  overflow-wrap: anywhere;
}

.msg--client {
  align-self: flex-end;
  background: var(--volna-accent);
  color: var(--volna-accent-text);
  border-bottom-right-radius: 4px;
}

.msg--bot {
  align-self: flex-start;
  background: #ffffff;
  border: 1px solid #e2e2ea;
  border-bottom-left-radius: 4px;
}

.msg.is-pending {
  opacity: 0.75;
}

.msg.is-failed {
  background: #fde8e8;
  color: #8a1c1c;
}

.meta {
  display: block;
  margin-top: 4px;
  font-size: 12px;
}

.retry {
  padding: 0;
  border: 0;
  background: none;
  color: inherit;
  font-weight: 600;
  text-decoration: underline;
  cursor: pointer;
}

.quick {
  display: flex;
  flex-wrap: wrap;
  gap: 8px;
  margin-top: 12px;
}

.quick button {
  min-height: 40px;
  padding: 8px 14px;
  border: 1px solid var(--volna-accent);
  border-radius: 999px;
  background: #ffffff;
  color: var(--volna-accent);
  cursor: pointer;
}

.form {
  flex: 0 0 auto;
  padding: 8px 12px 12px;
  border-top: 1px solid #e2e2ea;
  background: #ffffff;
}

.contact summary {
  padding: 4px 0;
  color: var(--volna-accent);
  font-size: 14px;
  cursor: pointer;
}

.field-label {
  display: block;
  margin: 6px 0 4px;
  font-size: 13px;
}

input[type='tel'],
textarea {
  box-sizing: border-box;
  width: 100%;
  padding: 9px 10px;
  border: 1px solid #c6c6d2;
  border-radius: 10px;
  background: #ffffff;
  color: inherit;
  font-size: 16px;
}

input[aria-invalid='true'] {
  border-color: #b91c1c;
}

.consent {
  display: flex;
  align-items: flex-start;
  gap: 8px;
  margin-top: 8px;
  font-size: 14px;
}

.consent input {
  flex: 0 0 auto;
  width: 20px;
  height: 20px;
  margin: 0;
}

.privacy {
  display: inline-block;
  margin-top: 4px;
  color: var(--volna-accent);
  font-size: 13px;
}

.hint {
  margin: 4px 0 0;
  color: #4b5060;
  font-size: 13px;
}

.hint:empty,
.status:empty {
  display: none;
}

.hint--warn,
.status {
  color: #92400e;
}

.hint--error {
  color: #b91c1c;
}

.compose {
  display: flex;
  align-items: flex-end;
  gap: 8px;
  margin-top: 8px;
}

.compose textarea {
  flex: 1 1 auto;
  min-height: 44px;
  max-height: 120px;
  resize: none;
}

.send {
  flex: 0 0 auto;
  min-height: 44px;
  padding: 0 16px;
  border: 0;
  border-radius: 10px;
  background: var(--volna-accent);
  color: var(--volna-accent-text);
  font-weight: 600;
  cursor: pointer;
}

.status {
  margin: 6px 0 0;
  font-size: 13px;
}

@media (max-width: 480px) {
  .launcher {
    right: 12px;
    bottom: 12px;
  }

  .panel {
    top: 0;
    right: 0;
    bottom: 0;
    left: 0;
    width: auto;
    height: auto;
    border-radius: 0;
  }
}
`;
