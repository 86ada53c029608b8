// Page analytics: one beacon per page to POST /api/v1/events (README, Privacy). No cookie:
// the session id lives in this tab's sessionStorage only. Pages list their own events
// (a model view, a search) in the "page-events" JSON block.
(function () {
  "use strict";
  if (!navigator.sendBeacon) return;
  let session = null;
  try {
    session = sessionStorage.getItem("aigo-session");
    if (!session) {
      session = Math.random().toString(36).slice(2) + Date.now().toString(36);
      sessionStorage.setItem("aigo-session", session);
    }
  } catch (error) {
    session = null; // storage disabled: events go without a session
  }
  const block = document.getElementById("page-events");
  const own = block ? JSON.parse(block.textContent) : [];
  const common = { locale: document.documentElement.lang };
  if (session) common.session_id = session;
  if (document.referrer) common.referrer = document.referrer;
  const events = [{ type: "page_view", properties: { path: location.pathname, title: document.title.slice(0, 200) } }]
    .concat(own)
    .map(function (event) { return Object.assign({}, common, event); });
  navigator.sendBeacon("/api/v1/events", JSON.stringify(events));
})();
