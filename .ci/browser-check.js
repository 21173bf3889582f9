// Opens an HTML page in headless Chromium over the DevTools protocol and fails (exit 1)
// on a console error or warning, an uncaught exception, a request for anything but the
// page's own file and data: URLs, an image that did not load, or charts that are missing
// or drawn with no size. Writes a screenshot.
//
//   node browser-check.js CHROMIUM PAGE.html SCREENSHOT.png [MIN_CHARTS]
//
// Plain Node (no packages): the protocol's WebSocket is spoken with `net` below.
'use strict';
const { spawn } = require('child_process');
const crypto = require('crypto');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');

const [chromium, page, shot, minChartsArg] = process.argv.slice(2);
const minCharts = Number(minChartsArg || 1);
if (!chromium || !page || !shot) {
  console.error('usage: browser-check.js CHROMIUM PAGE.html SCREENSHOT.png [MIN_CHARTS]');
  process.exit(2);
}
const pageUrl = 'file://' + path.resolve(page);
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'parcelsim-chromium-'));
const problems = [];
let browser;

let finishing = false;
function finish(code) {
  if (finishing) return;
  finishing = true;
  const cleanup = () => {
    try {
      fs.rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    } catch (e) {
      // A profile left in the temporary folder is no reason to fail the check.
    }
    process.exit(code);
  };
  if (browser && browser.exitCode === null && browser.signalCode === null) {
    browser.once('exit', cleanup);
    browser.kill('SIGKILL');
    setTimeout(cleanup, 5000).unref();
  } else {
    cleanup();
  }
}
setTimeout(() => {
  console.error('browser check: timed out after 60 s');
  finish(1);
}, 60000).unref();

// --- a minimal WebSocket client (RFC 6455: text frames, client-side masking) -------------
function connect(wsUrl) {
  return new Promise((resolve, reject) => {
    const u = new URL(wsUrl);
    const sock = net.connect(Number(u.port), u.hostname);
    const key = crypto.randomBytes(16).toString('base64');
    let buf = Buffer.alloc(0);
    let open = false;
    let frags = [];
    const handlers = [];
    sock.on('error', reject);
    sock.on('connect', () => {
      sock.write(
        `GET ${u.pathname} HTTP/1.1\r\nHost: ${u.host}\r\nUpgrade: websocket\r\n` +
          `Connection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`
      );
    });
    sock.on('data', (chunk) => {
      buf = Buffer.concat([buf, chunk]);
      if (!open) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.slice(0, end).toString();
        if (!/^HTTP\/1\.1 101/.test(head)) return reject(new Error('no WebSocket: ' + head));
        buf = buf.slice(end + 4);
        open = true;
        resolve({
          send: (text) => {
            const data = Buffer.from(text);
            const mask = crypto.randomBytes(4);
            let header;
            if (data.length < 126) header = Buffer.from([0x81, 0x80 | data.length]);
            else if (data.length < 65536) {
              header = Buffer.alloc(4);
              header[0] = 0x81;
              header[1] = 0x80 | 126;
              header.writeUInt16BE(data.length, 2);
            } else {
              header = Buffer.alloc(10);
              header[0] = 0x81;
              header[1] = 0x80 | 127;
              header.writeBigUInt64BE(BigInt(data.length), 2);
            }
            const masked = Buffer.alloc(data.length);
            for (let i = 0; i < data.length; i++) masked[i] = data[i] ^ mask[i % 4];
            sock.write(Buffer.concat([header, mask, masked]));
          },
          onMessage: (f) => handlers.push(f),
        });
      }
      for (;;) {
        if (buf.length < 2) return;
        const fin = (buf[0] & 0x80) !== 0;
        const opcode = buf[0] & 0x0f;
        let len = buf[1] & 0x7f;
        let off = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          off = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          off = 10;
        }
        if (buf.length < off + len) return;
        const payload = buf.slice(off, off + len);
        buf = buf.slice(off + len);
        if (opcode === 1 || opcode === 0) {
          frags.push(payload);
          if (fin) {
            const text = Buffer.concat(frags).toString();
            frags = [];
            handlers.forEach((h) => h(text));
          }
        }
      }
    });
  });
}

// --- the check ----------------------------------------------------------------------------
browser = spawn(
  chromium,
  [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--hide-scrollbars',
    '--window-size=1280,2000',
    `--user-data-dir=${profile}`,
    '--remote-debugging-port=0',
    'about:blank',
  ],
  { stdio: ['ignore', 'ignore', 'pipe'] }
);
browser.on('error', (e) => {
  console.error('browser check: cannot start ' + chromium + ': ' + e.message);
  finish(1);
});
let errText = '';
browser.stderr.on('data', async (d) => {
  errText += d.toString();
  const m = errText.match(/DevTools listening on (ws:\/\/[^\s]+)/);
  if (!m || browser.started) return;
  browser.started = true;
  try {
    await check(m[1]);
  } catch (e) {
    console.error('browser check: ' + (e.stack || e));
    finish(1);
  }
});

async function check(browserWs) {
  const ws = await connect(browserWs);
  let id = 0;
  const waiting = new Map();
  const listeners = [];
  ws.onMessage((text) => {
    const msg = JSON.parse(text);
    if (msg.id && waiting.has(msg.id)) {
      const { resolve, reject } = waiting.get(msg.id);
      waiting.delete(msg.id);
      msg.error ? reject(new Error(JSON.stringify(msg.error))) : resolve(msg.result);
    } else if (msg.method) {
      listeners.forEach((l) => l(msg));
    }
  });
  const call = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const n = ++id;
      waiting.set(n, { resolve, reject });
      ws.send(JSON.stringify({ id: n, method, params, sessionId }));
    });

  const { targetId } = await call('Target.createTarget', { url: 'about:blank' });
  const { sessionId } = await call('Target.attachToTarget', { targetId, flatten: true });
  const s = (method, params) => call(method, params, sessionId);
  let loaded;
  const loadedP = new Promise((r) => (loaded = r));
  listeners.push((msg) => {
    if (msg.sessionId !== sessionId) return;
    const p = msg.params;
    switch (msg.method) {
      case 'Runtime.consoleAPICalled':
        if (p.type === 'error' || p.type === 'warning' || p.type === 'assert') {
          problems.push(`console ${p.type}: ` + p.args.map((a) => a.value ?? a.description).join(' '));
        }
        break;
      case 'Runtime.exceptionThrown':
        problems.push('uncaught exception: ' + (p.exceptionDetails.exception?.description || p.exceptionDetails.text));
        break;
      case 'Log.entryAdded':
        if (p.entry.level === 'error') problems.push('console error: ' + p.entry.text + (p.entry.url ? ' (' + p.entry.url + ')' : ''));
        break;
      case 'Network.requestWillBeSent': {
        const url = p.request.url;
        if (url !== pageUrl && !url.startsWith('data:') && url !== 'about:blank') {
          problems.push('request outside the page: ' + url);
        }
        break;
      }
      case 'Network.loadingFailed':
        problems.push('failed to load: ' + p.errorText + ' (request ' + p.requestId + ')');
        break;
      case 'Page.loadEventFired':
        loaded();
        break;
    }
  });
  await s('Page.enable');
  await s('Runtime.enable');
  await s('Log.enable');
  await s('Network.enable');
  await s('Page.navigate', { url: pageUrl });
  await loadedP;
  // Let late work (fonts, layout) settle.
  await new Promise((r) => setTimeout(r, 300));
  const { result } = await s('Runtime.evaluate', {
    returnByValue: true,
    expression: `(() => {
      const imgs = Array.from(document.images);
      const charts = Array.from(document.querySelectorAll('figure svg'));
      return {
        title: document.title,
        h1: (document.querySelector('h1') || {}).textContent || '',
        brokenImages: imgs.filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src),
        charts: charts.length,
        emptyCharts: charts.filter(c => { const b = c.getBoundingClientRect(); return b.width < 100 || b.height < 50; }).length,
        chartsWithText: charts.filter(c => c.querySelector('text')).length,
        height: document.documentElement.scrollHeight,
      };
    })()`,
  });
  const r = result.value;
  if (!r.h1) problems.push('the page has no heading');
  r.brokenImages.forEach((src) => problems.push('image did not load: ' + src));
  if (r.charts < minCharts) problems.push(`${r.charts} charts, expected at least ${minCharts}`);
  if (r.emptyCharts > 0) problems.push(`${r.emptyCharts} charts are drawn with no size`);
  if (r.chartsWithText < r.charts) problems.push(`${r.charts - r.chartsWithText} charts have no text`);
  const metrics = await s('Page.getLayoutMetrics');
  const height = Math.min(Math.ceil(metrics.cssContentSize?.height || r.height), 16000);
  const png = await s('Page.captureScreenshot', {
    format: 'png',
    captureBeyondViewport: true,
    clip: { x: 0, y: 0, width: 1280, height, scale: 0.5 },
  });
  fs.writeFileSync(shot, Buffer.from(png.data, 'base64'));
  if (problems.length) {
    console.error(`browser check: ${page}: ${problems.length} problem(s):`);
    problems.forEach((p) => console.error('  - ' + p));
    return finish(1);
  }
  console.log(`browser check: ${page}: "${r.title}", ${r.charts} charts, no console error, no outside request; screenshot ${shot}`);
  finish(0);
}
