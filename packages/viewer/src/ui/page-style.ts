// The page's style sheet, served as /viewer.css.
export const VIEWER_STYLE: string = `* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
body { font: 13px/1.4 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1d2330; background: #f5f6f8; }
header { display: flex; align-items: center; gap: 18px; padding: 8px 16px; background: #1d2330; color: #fff; }
header h1 { font-size: 15px; margin: 0; font-weight: 600; }
header nav a { color: #c9d1e0; text-decoration: none; padding: 4px 10px; border-radius: 4px; }
header nav a.active { background: #3a4560; color: #fff; }
header #stats { margin-left: auto; color: #aab3c5; font-size: 12px; }
main { padding: 12px 16px; }
.muted { color: #6b7385; }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
.error-text { color: #c62828; font-weight: 600; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 5px; vertical-align: baseline; }
.filters { display: flex; flex-wrap: wrap; gap: 10px 16px; align-items: center; padding: 10px 12px; background: #fff; border: 1px solid #dde1e8; border-radius: 6px; margin-bottom: 8px; }
.filters label { display: flex; align-items: center; gap: 6px; color: #4a5366; }
.filters input[type=text], .filters input[type=number], .filters select { font: inherit; padding: 3px 6px; border: 1px solid #c5cbd6; border-radius: 4px; background: #fff; }
.filters input[type=number] { width: 80px; }
#list-status { margin: 6px 2px; }
table.trace-list { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid #dde1e8; }
.trace-list th { text-align: left; font-weight: 600; color: #4a5366; padding: 6px 10px; border-bottom: 1px solid #dde1e8; background: #fafbfc; }
.trace-list th.num { text-align: right; }
.trace-list td { padding: 6px 10px; border-bottom: 1px solid #eef0f4; vertical-align: middle; }
.trace-row { cursor: pointer; }
.trace-row:hover, .trace-row:focus { background: #eef3ff; outline: none; }
.trace-row.has-error td.root { box-shadow: inset 3px 0 0 #c62828; }
.chip { display: inline-block; border: 1px solid; border-radius: 10px; padding: 0 7px; margin: 1px 3px 1px 0; font-size: 11px; white-space: nowrap; }
.trace-header { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 8px 12px; margin-bottom: 8px; }
.trace-header h2 { margin: 4px 0; font-size: 16px; }
.trace-header .facts { display: flex; flex-wrap: wrap; gap: 6px 18px; align-items: center; color: #4a5366; }
.trace-header .back { color: #3256c8; text-decoration: none; }
.legend .cp-legend { display: inline-block; width: 18px; height: 4px; background: #1d2330; vertical-align: middle; }
.trace-layout { display: flex; gap: 8px; align-items: stretch; height: calc(100vh - 150px); min-height: 320px; }
.waterfall { flex: 1 1 auto; min-width: 0; display: flex; flex-direction: column; background: #fff; border: 1px solid #dde1e8; border-radius: 6px; }
.wf-head { display: flex; height: 26px; border-bottom: 1px solid #dde1e8; background: #fafbfc; flex: none; }
.wf-name-head { width: 34%; min-width: 220px; padding: 5px 8px; font-weight: 600; color: #4a5366; border-right: 1px solid #dde1e8; }
.wf-axis { position: relative; flex: 1; margin: 0 60px 0 8px; }
.wf-axis .tick { position: absolute; top: 5px; transform: translateX(-50%); font-size: 11px; color: #6b7385; white-space: nowrap; }
.wf-axis .tick:first-child { transform: none; }
.wf-axis .tick:last-child { transform: translateX(-100%); }
.wf-body { flex: 1; overflow-y: auto; overflow-x: hidden; position: relative; }
.wf-spacer { position: relative; }
.wf-rows { position: absolute; top: 0; left: 0; right: 0; will-change: transform; }
.span-row { display: flex; height: 24px; cursor: pointer; border-bottom: 1px solid #f1f2f5; }
.span-row:hover { background: #f3f6fd; }
.span-row.selected { background: #e3ebff; }
.span-name { width: 34%; min-width: 220px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; padding-top: 3px; border-right: 1px solid #dde1e8; }
.span-name .svc { font-weight: 600; }
.span-row.critical .span-name { box-shadow: inset 3px 0 0 #1d2330; }
.toggle, .toggle-space { display: inline-block; width: 16px; border: 0; background: none; padding: 0; font: inherit; color: #4a5366; cursor: pointer; }
.error-mark { color: #fff; background: #c62828; border-radius: 3px; padding: 0 4px; margin-right: 4px; font-size: 11px; }
.span-track { position: relative; flex: 1; margin: 0 60px 0 8px; }
.span-bar { position: absolute; top: 5px; height: 13px; border-radius: 2px; min-width: 2px; opacity: 0.9; }
.span-bar.error { box-shadow: 0 0 0 2px #c62828; }
.event-tick { position: absolute; top: -3px; width: 2px; height: 19px; background: #1d2330; margin-left: -1px; }
.cp-segment { position: absolute; top: 19px; height: 3px; background: #1d2330; }
.bar-label { position: absolute; top: 4px; padding: 0 5px; font-size: 11px; color: #4a5366; white-space: nowrap; }
.span-detail { flex: 0 0 360px; overflow-y: auto; background: #fff; border: 1px solid #dde1e8; border-radius: 6px; padding: 8px 12px; }
.span-detail h3 { margin: 4px 0 8px; font-size: 14px; word-break: break-all; }
.span-detail h4 { margin: 12px 0 4px; font-size: 12px; text-transform: uppercase; letter-spacing: 0.04em; color: #6b7385; }
table.kv { width: 100%; border-collapse: collapse; font-size: 12px; }
.kv th { text-align: left; font-weight: 500; color: #4a5366; padding: 2px 8px 2px 0; vertical-align: top; width: 40%; word-break: break-all; }
.kv td { padding: 2px 0; word-break: break-all; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
.event { padding: 3px 0; border-bottom: 1px solid #f1f2f5; }
.map-wrap { background: #fff; border: 1px solid #dde1e8; border-radius: 6px; overflow: auto; padding: 8px; }
#service-map .edge { fill: none; stroke: #667; stroke-width: 1.6; }
#service-map .edge.error { stroke: #c62828; }
#service-map .edge-label { font-size: 11px; fill: #4a5366; paint-order: stroke; stroke: #fff; stroke-width: 3px; }
#service-map .edge-label.error { fill: #c62828; }
#service-map .node-name { font-size: 13px; font-weight: 600; fill: #1d2330; }
#service-map .node-facts { font-size: 11px; fill: #6b7385; }
#service-map .node-facts.error { fill: #c62828; }
`;
