// A Server-Sent Events reader over fetch(): the response body is read chunk by chunk and
// every complete event in a chunk is handed over at once, so a stream of 20 000 events per
// second costs one task per network chunk instead of one EventSource task per event (which
// froze the run view: see docs/benchmarks.md "Run view frame times"). It follows the
// text/event-stream format (WHATWG HTML §9.2): `event:`, `data:` (joined with newlines),
// `id:`, comments and blank-line dispatch, in whatever chunks the server writes them. On a
// dropped connection it reconnects with Last-Event-ID, like EventSource, until closed.

export class EventStream {
  /**
   * @param url the stream
   * @param onEvents called with [{type, data, id}] per chunk, in order
   * @param lastId sent as Last-Event-ID on the first request too ('-1': every recorded event
   *   from the first; without it the server starts a running run's stream live)
   */
  constructor(url, onEvents, { lastId = null } = {}) {
    this.url = url;
    this.onEvents = onEvents;
    this.lastId = lastId;
    this.closed = false;
    this.chunks = 0;
    this.opens = 0;
    this.ids = 0;
    this.abort = null;
    this.retryMs = 1000;
    this.open();
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    // let the current chunk's events be handled; the read loop stops after them
    setTimeout(() => this.abort?.abort(), 0);
  }

  async open() {
    while (!this.closed) {
      this.abort = new AbortController();
      try {
        const headers = { Accept: 'text/event-stream' };
        if (this.lastId !== null) headers['Last-Event-ID'] = this.lastId;
        this.opens++;
        const res = await fetch(this.url, { headers, credentials: 'same-origin', cache: 'no-store', signal: this.abort.signal });
        if (!res.ok || !res.body) {
          if (res.status >= 400 && res.status < 500) { this.closed = true; this.onEvents([{ type: 'error', data: String(res.status), id: null }]); return; }
          throw new Error('HTTP ' + res.status);
        }
        await this.read(res.body.getReader());
      } catch (e) {
        if (this.closed) return;
      }
      if (!this.closed) await new Promise((ok) => setTimeout(ok, this.retryMs));
    }
  }

  async read(reader) {
    const decoder = new TextDecoder();
    let buf = '';
    let type = ''; let data = []; let id = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      this.chunks++;
      buf += decoder.decode(value, { stream: true });
      const out = [];
      let start = 0;
      for (;;) {
        let nl = buf.indexOf('\n', start);
        if (nl < 0) break;
        let line = buf.slice(start, nl);
        start = nl + 1;
        if (line.endsWith('\r')) line = line.slice(0, -1);
        if (line === '') {
          if (data.length) out.push({ type: type || 'message', data: data.join('\n'), id });
          type = ''; data = [];
          continue;
        }
        if (line.charCodeAt(0) === 58) continue; // ':' comment
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let val = colon < 0 ? '' : line.slice(colon + 1);
        if (val.charCodeAt(0) === 32) val = val.slice(1);
        if (field === 'data') data.push(val);
        else if (field === 'event') type = val;
        else if (field === 'id') { id = val; this.lastId = val; this.ids++; }
        else if (field === 'retry' && /^\d+$/.test(val)) this.retryMs = Number(val);
      }
      buf = buf.slice(start);
      if (out.length) this.onEvents(out);
      if (this.closed) { reader.cancel().catch(() => {}); return; }
    }
  }
}
