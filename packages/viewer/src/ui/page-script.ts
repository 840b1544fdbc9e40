// The page's script: plain browser JavaScript, served as /viewer.js. Kept free of backticks and
// dollar-brace so it can live in this template literal; String.raw keeps its backslashes as written.
export const VIEWER_SCRIPT: string = String.raw`(function () {
  'use strict';

  var ROW_HEIGHT = 24;
  var OVERSCAN = 12;
  var POLL_MS = 1500;

  var state = {
    version: -1,
    services: [],
    traces: [],
    trace: null,
    rows: [],
    children: null,
    collapsed: Object.create(null),
    critical: Object.create(null),
    selected: null,
    live: true,
    filters: { service: '', operation: '', minDurationMs: '', tag: '', errorsOnly: false, limit: '50' },
  };

  // --- small DOM helpers: text always goes in as text nodes, never as HTML ---
  function el(tag, props, children) {
    var node = document.createElement(tag);
    if (props) {
      for (var key in props) {
        var value = props[key];
        if (value === undefined || value === null || value === false) continue;
        if (key === 'class') node.className = value;
        else if (key === 'text') node.textContent = value;
        else if (key === 'style') setStyle(node, value);
        else if (key.slice(0, 2) === 'on') node.addEventListener(key.slice(2), value);
        else node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    if (children) {
      for (var i = 0; i < children.length; i++) {
        var child = children[i];
        if (child === null || child === undefined || child === false) continue;
        node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
      }
    }
    return node;
  }

  // Through the CSSOM, not the style attribute: the page's Content-Security-Policy allows no inline styles.
  function setStyle(node, text) {
    var parts = text.split(';');
    for (var i = 0; i < parts.length; i++) {
      var colon = parts[i].indexOf(':');
      if (colon > 0) node.style.setProperty(parts[i].slice(0, colon).trim(), parts[i].slice(colon + 1).trim());
    }
  }

  function svg(tag, attrs, children) {
    var node = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (var key in attrs) node.setAttribute(key, String(attrs[key]));
    if (children) for (var i = 0; i < children.length; i++) node.appendChild(typeof children[i] === 'string' ? document.createTextNode(children[i]) : children[i]);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    return node;
  }

  function api(path) {
    return fetch(path, { cache: 'no-store' }).then(function (response) {
      if (!response.ok) return response.json().then(function (body) { throw new Error(body.error || ('HTTP ' + response.status)); });
      return response.json();
    });
  }

  // --- formatting ---
  function formatDuration(micros) {
    if (micros < 1) return (micros * 1000).toFixed(0) + 'ns';
    if (micros < 1000) return micros.toFixed(micros < 10 ? 1 : 0) + 'µs';
    if (micros < 1e6) return (micros / 1000).toFixed(micros < 1e4 ? 2 : 1) + 'ms';
    return (micros / 1e6).toFixed(2) + 's';
  }

  function pad(number, width) {
    var text = String(number);
    while (text.length < width) text = '0' + text;
    return text;
  }

  function formatTime(micros) {
    var date = new Date(micros / 1000);
    return pad(date.getHours(), 2) + ':' + pad(date.getMinutes(), 2) + ':' + pad(date.getSeconds(), 2) + '.' + pad(date.getMilliseconds(), 3);
  }

  function formatDate(micros) {
    var date = new Date(micros / 1000);
    return date.getFullYear() + '-' + pad(date.getMonth() + 1, 2) + '-' + pad(date.getDate(), 2) + ' ' + formatTime(micros);
  }

  function plural(count, word) {
    return count + ' ' + word + (count === 1 ? '' : 's');
  }

  function valueText(value) {
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  var colorCache = Object.create(null);
  function serviceColor(name) {
    var cached = colorCache[name];
    if (cached) return cached;
    var hash = 0;
    for (var i = 0; i < name.length; i++) hash = (hash * 31 + name.charCodeAt(i)) >>> 0;
    var color = 'hsl(' + (hash % 360) + ', 60%, 52%)';
    colorCache[name] = color;
    return color;
  }

  // --- routing: #/ (trace list), #/trace/<id>, #/map ---
  function route() {
    var hash = location.hash || '#/';
    var match = /^#\/trace\/([0-9a-fA-F]{1,32})/.exec(hash);
    setTab(match ? 'traces' : hash.indexOf('#/map') === 0 ? 'map' : 'traces');
    if (match) showTrace(match[1].toLowerCase());
    else if (hash.indexOf('#/map') === 0) showMap();
    else showList();
  }

  function setTab(name) {
    var tabs = document.querySelectorAll('.tab');
    for (var i = 0; i < tabs.length; i++) tabs[i].classList.toggle('active', tabs[i].getAttribute('data-tab') === name);
  }

  var main = function () { return document.getElementById('app'); };

  // --- the trace list ---
  function queryString() {
    var f = state.filters;
    var params = new URLSearchParams();
    if (f.service) params.set('service', f.service);
    if (f.operation) params.set('operation', f.operation);
    if (f.minDurationMs) params.set('minDurationMs', f.minDurationMs);
    if (f.errorsOnly) params.set('errorsOnly', 'true');
    if (f.tag) {
      var tags = f.tag.split(/\s+/);
      for (var i = 0; i < tags.length; i++) if (tags[i]) params.append('tag', tags[i]);
    }
    params.set('limit', f.limit);
    return params.toString();
  }

  function showList() {
    state.trace = null;
    var root = clear(main());
    root.appendChild(renderFilters());
    root.appendChild(el('div', { id: 'list-status', class: 'muted' }));
    root.appendChild(el('table', { class: 'trace-list', id: 'trace-list' }, [
      el('thead', null, [el('tr', null, [
        el('th', { text: 'Started' }), el('th', { text: 'Root' }), el('th', { text: 'Duration', class: 'num' }),
        el('th', { text: 'Spans', class: 'num' }), el('th', { text: 'Services' }), el('th', { text: 'Errors', class: 'num' }),
      ])]),
      el('tbody', { id: 'trace-rows' }),
    ]));
    loadServices().then(loadTraces);
  }

  function renderFilters() {
    var f = state.filters;
    var serviceSelect = el('select', { id: 'filter-service', onchange: function (event) { f.service = event.target.value; f.operation = ''; fillOperations(); loadTraces(); } });
    var operationSelect = el('select', { id: 'filter-operation', onchange: function (event) { f.operation = event.target.value; loadTraces(); } });
    var timer = null;
    function later(apply) {
      return function (event) {
        apply(event.target);
        clearTimeout(timer);
        timer = setTimeout(loadTraces, 250);
      };
    }
    return el('form', { class: 'filters', id: 'filters', onsubmit: function (event) { event.preventDefault(); loadTraces(); } }, [
      el('label', null, ['Service ', serviceSelect]),
      el('label', null, ['Operation ', operationSelect]),
      el('label', null, ['Min duration (ms) ', el('input', { id: 'filter-min-duration', type: 'number', min: '0', step: 'any', value: f.minDurationMs, oninput: later(function (t) { f.minDurationMs = t.value; }) })]),
      el('label', null, ['Tag ', el('input', { id: 'filter-tag', type: 'text', placeholder: 'http.status_code=500', value: f.tag, oninput: later(function (t) { f.tag = t.value.trim(); }) })]),
      el('label', { class: 'check' }, [el('input', { id: 'filter-errors', type: 'checkbox', checked: f.errorsOnly, onchange: function (event) { f.errorsOnly = event.target.checked; loadTraces(); } }), ' Errors only']),
      el('label', null, ['Limit ', el('select', { id: 'filter-limit', onchange: function (event) { f.limit = event.target.value; loadTraces(); } },
        ['20', '50', '100', '500'].map(function (n) { return el('option', { value: n, selected: n === f.limit, text: n }); }))]),
      el('label', { class: 'check' }, [el('input', { id: 'live', type: 'checkbox', checked: state.live, onchange: function (event) { state.live = event.target.checked; } }), ' Live']),
    ]);
  }

  function fillServices() {
    var select = document.getElementById('filter-service');
    if (!select) return;
    clear(select).appendChild(el('option', { value: '', text: 'all services' }));
    for (var i = 0; i < state.services.length; i++) {
      var name = state.services[i].name;
      select.appendChild(el('option', { value: name, text: name, selected: name === state.filters.service }));
    }
    fillOperations();
  }

  function fillOperations() {
    var select = document.getElementById('filter-operation');
    if (!select) return;
    var seen = Object.create(null);
    var names = [];
    for (var i = 0; i < state.services.length; i++) {
      var service = state.services[i];
      if (state.filters.service && service.name !== state.filters.service) continue;
      for (var j = 0; j < service.operations.length; j++) {
        if (!seen[service.operations[j]]) { seen[service.operations[j]] = true; names.push(service.operations[j]); }
      }
    }
    names.sort();
    clear(select).appendChild(el('option', { value: '', text: 'all operations' }));
    for (var k = 0; k < names.length; k++) select.appendChild(el('option', { value: names[k], text: names[k], selected: names[k] === state.filters.operation }));
  }

  function loadServices() {
    return api('/api/services').then(function (body) { state.services = body.services; fillServices(); }, showError);
  }

  function loadTraces() {
    return api('/api/traces?' + queryString()).then(function (body) {
      state.traces = body.traces;
      renderTraceRows();
    }, showError);
  }

  function renderTraceRows() {
    var body = document.getElementById('trace-rows');
    if (!body) return;
    clear(body);
    var status = document.getElementById('list-status');
    if (status) status.textContent = state.traces.length === 0 ? 'No traces yet: send spans to the receivers, or change the filters.' : state.traces.length + ' traces, newest first';
    for (var i = 0; i < state.traces.length; i++) {
      var trace = state.traces[i];
      var chips = trace.services.map(function (service) {
        return el('span', { class: 'chip', style: 'border-color:' + serviceColor(service.name) }, [
          el('i', { class: 'dot', style: 'background:' + serviceColor(service.name) }), service.name + ' ' + service.spanCount,
        ]);
      });
      body.appendChild(el('tr', { class: 'trace-row' + (trace.errorCount > 0 ? ' has-error' : ''), 'data-trace-id': trace.traceId, tabindex: '0', onclick: openTraceHandler(trace.traceId), onkeydown: keyOpen(trace.traceId) }, [
        el('td', { class: 'mono', text: formatTime(trace.startMicros), title: formatDate(trace.startMicros) }),
        el('td', { class: 'root' }, [el('i', { class: 'dot', style: 'background:' + serviceColor(trace.rootService) }), el('b', { text: trace.rootService }), ': ' + trace.rootOperation]),
        el('td', { class: 'num duration', text: formatDuration(trace.durationMicros) }),
        el('td', { class: 'num spans', text: String(trace.spanCount) }),
        el('td', { class: 'services' }, chips),
        el('td', { class: 'num errors' + (trace.errorCount > 0 ? ' error-text' : ''), text: String(trace.errorCount) }),
      ]));
    }
  }

  function openTraceHandler(id) {
    return function () { location.hash = '#/trace/' + id; };
  }

  function keyOpen(id) {
    return function (event) { if (event.key === 'Enter') location.hash = '#/trace/' + id; };
  }

  function showError(error) {
    var status = document.getElementById('list-status') || document.getElementById('trace-status');
    if (status) status.textContent = 'Error: ' + error.message;
  }

  // --- one trace: the waterfall ---
  function showTrace(id) {
    var root = clear(main());
    root.appendChild(el('div', { id: 'trace-status', class: 'muted', text: 'Loading trace ' + id + '…' }));
    api('/api/traces/' + id).then(function (trace) {
      state.trace = trace;
      state.collapsed = Object.create(null);
      state.selected = null;
      buildTree(trace);
      renderTrace();
    }, showError);
  }

  function buildTree(trace) {
    var byId = Object.create(null);
    var children = Object.create(null);
    var roots = [];
    for (var i = 0; i < trace.spans.length; i++) byId[trace.spans[i].spanId] = trace.spans[i];
    for (var j = 0; j < trace.spans.length; j++) {
      var span = trace.spans[j];
      if (span.parentId && byId[span.parentId] && span.parentId !== span.spanId) (children[span.parentId] || (children[span.parentId] = [])).push(span);
      else roots.push(span);
    }
    state.byId = byId;
    state.children = children;
    state.roots = roots;
    state.critical = Object.create(null);
    for (var k = 0; k < trace.criticalPath.length; k++) {
      var segment = trace.criticalPath[k];
      (state.critical[segment.spanId] || (state.critical[segment.spanId] = [])).push(segment);
    }
    flatten();
  }

  // The visible rows: a depth-first walk that skips the children of collapsed spans. Iterative,
  // so a very deep trace cannot overflow the stack.
  function flatten() {
    var rows = [];
    var stack = [];
    for (var i = state.roots.length - 1; i >= 0; i--) stack.push({ span: state.roots[i], depth: 0 });
    var seen = Object.create(null);
    while (stack.length > 0) {
      var item = stack.pop();
      if (seen[item.span.spanId]) continue;
      seen[item.span.spanId] = true;
      var kids = state.children[item.span.spanId] || [];
      rows.push({ span: item.span, depth: item.depth, childCount: kids.length });
      if (state.collapsed[item.span.spanId]) continue;
      for (var j = kids.length - 1; j >= 0; j--) stack.push({ span: kids[j], depth: item.depth + 1 });
    }
    state.rows = rows;
  }

  function renderTrace() {
    var trace = state.trace;
    var summary = trace.summary;
    var root = clear(main());
    root.appendChild(el('div', { class: 'trace-header', id: 'trace-header' }, [
      el('a', { href: '#/', class: 'back', text: '← traces' }),
      el('h2', null, [el('i', { class: 'dot', style: 'background:' + serviceColor(summary.rootService) }), summary.rootService + ': ' + summary.rootOperation]),
      el('div', { class: 'facts' }, [
        el('span', { text: 'Trace ' + summary.traceId, class: 'mono' }),
        el('span', { text: formatDate(summary.startMicros) }),
        el('span', { text: 'Duration ' + formatDuration(summary.durationMicros) }),
        el('span', { text: plural(summary.spanCount, 'span') }),
        el('span', { text: plural(summary.services.length, 'service') }),
        el('span', { class: summary.errorCount > 0 ? 'error-text' : '', text: plural(summary.errorCount, 'error') }),
        el('span', { class: 'legend' }, [el('i', { class: 'cp-legend' }), ' critical path']),
        el('button', { type: 'button', id: 'expand-all', onclick: function () { state.collapsed = Object.create(null); flatten(); layoutWaterfall(); } , text: 'Expand all' }),
      ]),
    ]));
    var axis = el('div', { class: 'wf-axis' });
    var start = summary.startMicros;
    var total = Math.max(summary.durationMicros, 1);
    for (var i = 0; i <= 4; i++) {
      axis.appendChild(el('span', { class: 'tick', style: 'left:' + (i * 25) + '%', text: formatDuration((total * i) / 4) }));
    }
    var body = el('div', { class: 'wf-body', id: 'wf-body', onscroll: renderVisibleRows });
    body.appendChild(el('div', { class: 'wf-spacer', id: 'wf-spacer' }, [el('div', { class: 'wf-rows', id: 'wf-rows' })]));
    root.appendChild(el('div', { class: 'trace-layout' }, [
      el('div', { class: 'waterfall', id: 'waterfall' }, [
        el('div', { class: 'wf-head' }, [el('div', { class: 'wf-name-head', text: 'Service · operation' }), axis]),
        body,
      ]),
      el('aside', { class: 'span-detail', id: 'span-detail' }, [el('p', { class: 'muted', text: 'Click a span to see its tags, events, links, status and ids.' })]),
    ]));
    state.scale = { start: start, total: total };
    layoutWaterfall();
  }

  function layoutWaterfall() {
    var spacer = document.getElementById('wf-spacer');
    if (!spacer) return;
    spacer.style.height = state.rows.length * ROW_HEIGHT + 'px';
    renderVisibleRows();
  }

  function percent(micros) {
    return ((micros - state.scale.start) / state.scale.total) * 100;
  }

  function renderVisibleRows() {
    var body = document.getElementById('wf-body');
    var container = document.getElementById('wf-rows');
    if (!body || !container) return;
    var first = Math.max(0, Math.floor(body.scrollTop / ROW_HEIGHT) - OVERSCAN);
    var last = Math.min(state.rows.length, Math.ceil((body.scrollTop + body.clientHeight) / ROW_HEIGHT) + OVERSCAN);
    container.style.transform = 'translateY(' + first * ROW_HEIGHT + 'px)';
    clear(container);
    for (var i = first; i < last; i++) container.appendChild(renderRow(state.rows[i]));
  }

  function renderRow(row) {
    var span = row.span;
    var color = serviceColor(span.service);
    var left = percent(span.startMicros);
    var width = Math.max(percent(span.endMicros) - left, 0.15);
    var isError = span.status === 'error';
    var segments = state.critical[span.spanId];
    var bar = el('div', { class: 'span-bar' + (isError ? ' error' : ''), style: 'left:' + left + '%;width:' + width + '%;background:' + color, title: span.name + ' ' + formatDuration(span.endMicros - span.startMicros) });
    for (var e = 0; e < span.events.length; e++) {
      var event = span.events[e];
      var at = span.endMicros > span.startMicros ? ((event.timeMicros - span.startMicros) / (span.endMicros - span.startMicros)) * 100 : 0;
      bar.appendChild(el('i', { class: 'event-tick', style: 'left:' + Math.min(100, Math.max(0, at)) + '%', title: event.name }));
    }
    var track = el('div', { class: 'span-track' }, [bar]);
    if (segments) {
      for (var s = 0; s < segments.length; s++) {
        var segLeft = percent(segments[s].startMicros);
        track.appendChild(el('i', { class: 'cp-segment', style: 'left:' + segLeft + '%;width:' + Math.max(percent(segments[s].endMicros) - segLeft, 0.1) + '%' }));
      }
    }
    var labelLeft = left + width;
    track.appendChild(el('span', { class: 'bar-label', style: labelLeft > 85 ? 'right:' + (100 - left) + '%;text-align:right' : 'left:' + labelLeft + '%', text: formatDuration(span.endMicros - span.startMicros) }));
    var toggle = row.childCount > 0
      ? el('button', { type: 'button', class: 'toggle', 'aria-label': state.collapsed[span.spanId] ? 'expand' : 'collapse', text: state.collapsed[span.spanId] ? '▸' : '▾', onclick: function (event) {
          event.stopPropagation();
          state.collapsed[span.spanId] = !state.collapsed[span.spanId];
          flatten();
          layoutWaterfall();
        } })
      : el('span', { class: 'toggle-space' });
    return el('div', {
      class: 'span-row' + (isError ? ' error' : '') + (segments ? ' critical' : '') + (state.selected === span.spanId ? ' selected' : ''),
      'data-span-id': span.spanId,
      onclick: function () { selectSpan(span.spanId); },
    }, [
      el('div', { class: 'span-name', style: 'padding-left:' + (4 + row.depth * 14) + 'px', title: span.service + ' · ' + span.name }, [
        toggle,
        el('i', { class: 'dot', style: 'background:' + color }),
        isError ? el('b', { class: 'error-mark', text: '!' }) : null,
        el('span', { class: 'svc', text: span.service }),
        ' ' + span.name,
        row.childCount > 0 && state.collapsed[span.spanId] ? el('span', { class: 'muted', text: ' (' + row.childCount + ')' }) : null,
      ]),
      track,
    ]);
  }

  function table(title, attributes, id) {
    var keys = Object.keys(attributes || {}).sort();
    if (keys.length === 0) return el('section', null, [el('h4', { text: title }), el('p', { class: 'muted', text: 'none' })]);
    return el('section', { id: id }, [el('h4', { text: title }), el('table', { class: 'kv' }, [el('tbody', null, keys.map(function (key) {
      return el('tr', null, [el('th', { text: key }), el('td', { text: valueText(attributes[key]) })]);
    }))])]);
  }

  function selectSpan(spanId) {
    state.selected = spanId;
    renderVisibleRows();
    var span = state.byId[spanId];
    var panel = clear(document.getElementById('span-detail'));
    var start = state.trace.summary.startMicros;
    var facts = {
      service: span.service,
      kind: span.kind,
      status: span.status + (span.statusMessage ? ': ' + span.statusMessage : ''),
      start: formatDate(span.startMicros) + ' (+' + formatDuration(span.startMicros - start) + ')',
      duration: formatDuration(span.endMicros - span.startMicros),
      'trace id': span.traceId,
      'span id': span.spanId,
      'parent id': span.parentId || '(root)',
      scope: span.scope ? span.scope.name + (span.scope.version ? ' ' + span.scope.version : '') : '',
      'received via': span.source,
    };
    panel.appendChild(el('h3', { class: span.status === 'error' ? 'error-text' : '' }, [el('i', { class: 'dot', style: 'background:' + serviceColor(span.service) }), span.name]));
    panel.appendChild(table('Span', facts, 'detail-facts'));
    panel.appendChild(table('Tags', span.attributes, 'detail-tags'));
    var events = el('section', { id: 'detail-events' }, [el('h4', { text: 'Events (' + span.events.length + ')' })]);
    for (var i = 0; i < span.events.length; i++) {
      var event = span.events[i];
      events.appendChild(el('div', { class: 'event' }, [
        el('span', { class: 'mono', text: '+' + formatDuration(event.timeMicros - span.startMicros) + ' ' }), el('b', { text: event.name }),
        Object.keys(event.attributes).length ? el('table', { class: 'kv' }, [el('tbody', null, Object.keys(event.attributes).map(function (key) {
          return el('tr', null, [el('th', { text: key }), el('td', { text: valueText(event.attributes[key]) })]);
        }))]) : null,
      ]));
    }
    panel.appendChild(events);
    var links = el('section', { id: 'detail-links' }, [el('h4', { text: 'Links (' + span.links.length + ')' })]);
    for (var j = 0; j < span.links.length; j++) {
      var link = span.links[j];
      links.appendChild(el('div', { class: 'link mono' }, [el('a', { href: '#/trace/' + link.traceId, text: link.traceId + ' / ' + link.spanId })]));
    }
    panel.appendChild(links);
    panel.appendChild(table('Resource', span.resource, 'detail-resource'));
  }

  // --- the service map ---
  function showMap() {
    var root = clear(main());
    root.appendChild(el('div', { id: 'trace-status', class: 'muted', text: 'Loading the service map…' }));
    Promise.all([api('/api/dependencies'), api('/api/services')]).then(function (results) {
      renderMap(results[0], results[1].services);
    }, showError);
  }

  function renderMap(dependencies, services) {
    var root = clear(main());
    var edges = dependencies.edges;
    var names = services.map(function (service) { return service.name; });
    if (names.length === 0) {
      root.appendChild(el('p', { class: 'muted', text: 'No services yet.' }));
      return;
    }
    // layers: a service sits one column right of the deepest caller (bounded, so cycles end)
    var depth = Object.create(null);
    for (var n = 0; n < names.length; n++) depth[names[n]] = 0;
    for (var round = 0; round < names.length; round++) {
      var changed = false;
      for (var e = 0; e < edges.length; e++) {
        var edge = edges[e];
        if (depth[edge.child] < depth[edge.parent] + 1 && depth[edge.parent] + 1 < names.length) { depth[edge.child] = depth[edge.parent] + 1; changed = true; }
      }
      if (!changed) break;
    }
    var columns = [];
    for (var m = 0; m < names.length; m++) (columns[depth[names[m]]] || (columns[depth[names[m]]] = [])).push(names[m]);
    // order each column by the mean row of its callers, so edges cross less
    var rowOf = Object.create(null);
    for (var c0 = 0; c0 < columns.length; c0++) {
      var column = columns[c0];
      if (!column) continue;
      var weight = Object.create(null);
      for (var w = 0; w < column.length; w++) {
        var sum = 0, count = 0;
        for (var q = 0; q < edges.length; q++) {
          if (edges[q].child === column[w] && rowOf[edges[q].parent] !== undefined) { sum += rowOf[edges[q].parent]; count++; }
        }
        weight[column[w]] = count > 0 ? sum / count : w;
      }
      column.sort(function (a, b) { return weight[a] - weight[b]; });
      for (var v = 0; v < column.length; v++) rowOf[column[v]] = v;
    }
    var position = Object.create(null);
    var NODE_W = 170, NODE_H = 44, COL_W = 330, ROW_H = 96;
    var maxRows = 0;
    var colCount = 0;
    for (var c = 0; c < columns.length; c++) {
      if (!columns[c]) continue;
      for (var r = 0; r < columns[c].length; r++) position[columns[c][r]] = { x: 30 + colCount * COL_W, y: 30 + r * ROW_H };
      maxRows = Math.max(maxRows, columns[c].length);
      colCount++;
    }
    var width = 60 + (colCount - 1) * COL_W + NODE_W;
    var height = 60 + (maxRows - 1) * ROW_H + NODE_H;
    var map = svg('svg', { id: 'service-map', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height });
    map.appendChild(svg('defs', {}, [svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, [svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', fill: '#667' })])]));
    for (var k = 0; k < edges.length; k++) {
      var link = edges[k];
      var from = position[link.parent];
      var to = position[link.child];
      if (!from || !to) continue;
      var x1 = from.x + NODE_W, y1 = from.y + NODE_H / 2, x2 = to.x, y2 = to.y + NODE_H / 2;
      if (x2 <= x1) { x1 = from.x + NODE_W / 2; y1 = from.y + NODE_H; x2 = to.x + NODE_W / 2; y2 = to.y; }
      var bend = Math.max(40, Math.abs(x2 - x1) / 2);
      var errorClass = link.errorCount > 0 ? ' error' : '';
      map.appendChild(svg('path', { class: 'edge' + errorClass, d: 'M ' + x1 + ' ' + y1 + ' C ' + (x1 + bend) + ' ' + y1 + ', ' + (x2 - bend) + ' ' + y2 + ', ' + x2 + ' ' + y2, 'marker-end': 'url(#arrow)' }));
      map.appendChild(svg('text', { class: 'edge-label' + errorClass, x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 6, 'text-anchor': 'middle' }, [
        plural(link.callCount, 'call') + (link.errorCount > 0 ? ' · ' + (link.errorRate * 100).toFixed(0) + '% errors' : ''),
      ]));
    }
    for (var s = 0; s < services.length; s++) {
      var service = services[s];
      var at = position[service.name];
      var group = svg('g', { class: 'node', transform: 'translate(' + at.x + ',' + at.y + ')', 'data-service': service.name });
      group.appendChild(svg('rect', { width: NODE_W, height: NODE_H, rx: 6, fill: '#fff', stroke: serviceColor(service.name), 'stroke-width': 3 }));
      group.appendChild(svg('text', { x: NODE_W / 2, y: 19, 'text-anchor': 'middle', class: 'node-name' }, [service.name]));
      group.appendChild(svg('text', { x: NODE_W / 2, y: 35, 'text-anchor': 'middle', class: 'node-facts' + (service.errorCount > 0 ? ' error' : '') }, [
        plural(service.spanCount, 'span') + (service.errorCount > 0 ? ' · ' + plural(service.errorCount, 'error') : ''),
      ]));
      map.appendChild(group);
    }
    root.appendChild(el('h2', { text: 'Service map' }));
    root.appendChild(el('p', { class: 'muted', text: 'An arrow is a call: a span of one service whose parent is a span of another, counted across stored traces.' }));
    root.appendChild(el('div', { class: 'map-wrap' }, [map]));
  }

  // --- live updates: poll the store's version, reload what is shown when it changes ---
  function poll() {
    api('/api/stats').then(function (stats) {
      var store = stats.store;
      var line = document.getElementById('stats');
      if (line) line.textContent = store.traces + ' traces · ' + store.spans + ' spans' + (store.evictedTraces > 0 ? ' · ' + store.evictedTraces + ' evicted' : '');
      if (store.version !== state.version) {
        state.version = store.version;
        if (state.live && document.getElementById('trace-rows')) loadServices().then(loadTraces);
      }
    }, function () {}).then(function () { setTimeout(poll, POLL_MS); });
  }

  window.addEventListener('hashchange', route);
  window.addEventListener('resize', function () { if (state.trace) renderVisibleRows(); });
  route();
  poll();
})();
`;
