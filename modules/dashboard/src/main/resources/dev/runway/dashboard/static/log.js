// The job page's step output: the tail of a step's log when its <details> opens, earlier ranges on demand ("Load
// earlier output"), and, while the step may still write, the live output as Server-Sent Events whose ids are byte
// offsets (EventSource resends the last one as Last-Event-ID when it reconnects, so nothing is lost or doubled).
import { AnsiRenderer } from './ansi.js';

const TAIL = 256 * 1024;          // bytes shown when a step opens
const EARLIER = 256 * 1024;       // bytes fetched per "Load earlier output"
const MAX_SHOWN = 4 * 1024 * 1024; // older chunks leave the page past this; "Load earlier" brings them back

function decodeBase64(text) {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

class StepLog {
  constructor(view) {
    this.view = view;
    this.pre = view.querySelector('pre.log');
    this.earlier = view.querySelector('button.earlier');
    this.bytes = Number(view.dataset.bytes);
    this.complete = view.dataset.complete === 'true';
    this.start = Math.max(0, this.bytes - TAIL); // first byte on the page
    this.end = this.start;                        // byte after the last on the page
    this.shown = 0;
    this.decoder = new TextDecoder('utf-8');
    this.ansi = new AnsiRenderer();
    this.started = false;
    this.earlier.addEventListener('click', () => this.loadEarlier());
  }

  begin() {
    if (this.started) return;
    this.started = true;
    if (this.complete) {
      this.fetchTail();
    } else {
      this.follow();
    }
  }

  async fetchTail() {
    const response = await fetch(`${this.view.dataset.log}?from=${this.start}&to=${this.bytes}`,
      { credentials: 'same-origin' });
    const bytes = new Uint8Array(await response.arrayBuffer());
    this.append(bytes, this.start + bytes.length, true);
    this.view.dataset.state = 'complete';
  }

  follow() {
    this.view.dataset.state = 'live';
    const source = new EventSource(`${this.view.dataset.events}?offset=${this.start}`);
    source.onmessage = (event) => {
      const bytes = decodeBase64(event.data);
      this.append(bytes, Number(event.lastEventId), false);
    };
    source.addEventListener('failed', (event) => {
      source.close();
      this.view.dataset.state = 'failed';
      const note = document.createElement('p');
      note.setAttribute('role', 'alert');
      note.className = 'problem';
      note.textContent = JSON.parse(event.data).message;
      this.view.appendChild(note);
    });
    source.addEventListener('end', (event) => {
      source.close();
      this.append(new Uint8Array(0), this.end, true);
      this.finish(JSON.parse(event.data));
    });
  }

  /** Appends bytes that end at `next`; each chunk is its own element so old ones can leave the page whole. */
  append(bytes, next, last) {
    const chunk = document.createElement('span');
    chunk.dataset.start = String(this.end);
    chunk.dataset.end = String(next);
    this.ansi.render(this.decoder.decode(bytes, { stream: !last }), chunk);
    const follow = this.pre.scrollHeight - this.pre.scrollTop - this.pre.clientHeight < 40;
    this.pre.appendChild(chunk);
    this.end = next;
    this.shown += bytes.length;
    while (this.shown > MAX_SHOWN && this.pre.firstChild) {
      const old = this.pre.firstChild;
      this.shown -= Number(old.dataset.end) - Number(old.dataset.start);
      old.remove();
      this.start = Number(this.pre.firstChild ? this.pre.firstChild.dataset.start : this.end);
    }
    this.earlier.hidden = this.start <= 0;
    if (follow) this.pre.scrollTop = this.pre.scrollHeight;
  }

  async loadEarlier() {
    const from = Math.max(0, this.start - EARLIER);
    const response = await fetch(`${this.view.dataset.log}?from=${from}&to=${this.start}`,
      { credentials: 'same-origin' });
    const bytes = new Uint8Array(await response.arrayBuffer());
    const chunk = document.createElement('span');
    chunk.dataset.start = String(from);
    chunk.dataset.end = String(this.start);
    new AnsiRenderer().render(new TextDecoder('utf-8').decode(bytes), chunk);
    this.pre.insertBefore(chunk, this.pre.firstChild);
    this.start = from;
    this.earlier.hidden = this.start <= 0;
  }

  finish(state) {
    this.view.dataset.state = 'complete';
    const summary = this.view.closest('details').querySelector('summary');
    const status = summary.querySelector('.step-status .status');
    status.textContent = state.status.replace('_', ' ');
    status.className = `status s-${state.status}`;
    summary.querySelector('.step-duration').textContent = state.duration;
    summary.querySelector('.step-exit').textContent = state.exit;
    this.view.closest('details').dataset.status = state.status;
    // the next step that has not run yet is followed next
    const next = this.view.closest('li').nextElementSibling;
    if (next && !['success', 'failed', 'canceled', 'infrastructure_fail'].includes(state.job)) {
      next.querySelector('details').open = true;
    }
  }
}

for (const details of document.querySelectorAll('details.step')) {
  const log = new StepLog(details.querySelector('.log-view'));
  if (details.open) log.begin();
  details.addEventListener('toggle', () => { if (details.open) log.begin(); });
}
