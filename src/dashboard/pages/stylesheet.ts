/** The dashboard's only stylesheet, served from /static/dashboard.css (no CDN, no inline styles). */
export const STYLESHEET = `:root{color-scheme:light dark;--fg:#1b1f24;--bg:#fff;--muted:#59636e;--line:#d1d9e0;--ok:#1a7f37;--warn:#9a6700;--bad:#cf222e;--accent:#0969da}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--bg:#0d1117;--muted:#9198a1;--line:#3d444d;--ok:#3fb950;--warn:#d29922;--bad:#f85149;--accent:#4493f8}}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;justify-content:space-between;padding:.6rem 1.2rem;border-bottom:1px solid var(--line)}
header a{color:var(--accent);text-decoration:none;margin-left:1rem}
header a.home{font-weight:600;margin-left:0}
main{padding:0 1.2rem 2rem;max-width:1400px}
h1{font-size:1.3rem;word-break:break-all}
h2{font-size:1.05rem;margin-top:1.6rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.25rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}
td a{color:var(--accent)}
code,pre{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,monospace}
pre.command{padding:.6rem .8rem;border:1px solid var(--line);border-radius:6px;overflow-x:auto}
.status{font-weight:600}
.status-verified{color:var(--ok)}
.status-drifted{color:var(--warn)}
.status-error{color:var(--bad)}
.kind{font-family:ui-monospace,monospace}
.detail{word-break:break-word;max-width:40rem}
.filters{display:flex;gap:1rem;align-items:end;flex-wrap:wrap;margin:1rem 0}
.filters label{display:flex;flex-direction:column;color:var(--muted)}
.count,.none{color:var(--muted)}
svg.timeline{max-width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
svg .axis{stroke:var(--line)}
svg text{fill:var(--muted);font:11px ui-monospace,monospace}
svg text.end{text-anchor:end}
svg .span{stroke:var(--accent);stroke-width:6;stroke-linecap:round;opacity:.45}
svg .point{fill:var(--accent)}
svg .step{fill:none;stroke:var(--muted);stroke-width:1.5;stroke-dasharray:4 3}
svg .absent .point,svg .absent .span{fill:var(--bad);stroke:var(--bad)}
svg .mark rect{fill:var(--warn)}
svg .mark-verify-failed rect,svg .mark-check-error rect,svg .mark-tag-deleted rect,svg .mark-pin-vanished rect{fill:var(--bad)}
`;
