// ANSI SGR colours of step output, rendered as spans with classes (never as HTML: output text only ever becomes
// text nodes). The state (colour, bold) carries across chunks; a chunk may end inside an escape sequence.
const RESET = { fg: null, bg: null, bold: false, dim: false, italic: false, underline: false };

export class AnsiRenderer {
  constructor() {
    this.state = { ...RESET };
    this.pending = '';
  }

  /** Appends the text's runs to `target` (a DOM element). */
  render(text, target) {
    text = this.pending + text;
    this.pending = '';
    const pattern = /\x1b\[([0-9;]*)([A-Za-z])/g;
    let last = 0;
    let match;
    while ((match = pattern.exec(text)) !== null) {
      this.emit(text.slice(last, match.index), target);
      if (match[2] === 'm') {
        this.apply(match[1]);
      }
      last = pattern.lastIndex;
    }
    let rest = text.slice(last);
    const open = rest.lastIndexOf('\x1b');
    if (open >= 0 && rest.length - open < 32 && !/[A-Za-z]/.test(rest.slice(open + 2))) {
      this.pending = rest.slice(open); // an escape cut by the chunk's end: finish it with the next chunk
      rest = rest.slice(0, open);
    }
    this.emit(rest, target);
  }

  emit(text, target) {
    // other control sequences (cursor moves, OSC titles) and carriage returns before a newline are dropped
    text = text.replace(/\x1b\][^\x07]*\x07/g, '').replace(/\x1b[^\[]/g, '').replace(/\r\n/g, '\n');
    if (!text) {
      return;
    }
    const s = this.state;
    const classes = [];
    if (s.fg !== null) classes.push('fg' + s.fg);
    if (s.bg !== null) classes.push('bg' + s.bg);
    if (s.bold) classes.push('b');
    if (s.dim) classes.push('dim');
    if (s.italic) classes.push('i');
    if (s.underline) classes.push('u');
    if (classes.length === 0) {
      target.appendChild(document.createTextNode(text));
    } else {
      const span = document.createElement('span');
      span.className = classes.join(' ');
      span.textContent = text;
      target.appendChild(span);
    }
  }

  apply(codes) {
    const list = codes === '' ? [0] : codes.split(';').map(Number);
    for (let i = 0; i < list.length; i++) {
      const c = list[i];
      if (c === 0) this.state = { ...RESET };
      else if (c === 1) this.state.bold = true;
      else if (c === 2) this.state.dim = true;
      else if (c === 3) this.state.italic = true;
      else if (c === 4) this.state.underline = true;
      else if (c === 22) { this.state.bold = false; this.state.dim = false; }
      else if (c === 23) this.state.italic = false;
      else if (c === 24) this.state.underline = false;
      else if (c >= 30 && c <= 37) this.state.fg = c - 30;
      else if (c >= 90 && c <= 97) this.state.fg = c - 90 + 8;
      else if (c === 39) this.state.fg = null;
      else if (c >= 40 && c <= 47) this.state.bg = c - 40;
      else if (c >= 100 && c <= 107) this.state.bg = c - 100 + 8;
      else if (c === 49) this.state.bg = null;
      else if ((c === 38 || c === 48) && list[i + 1] === 5) {
        // 256 colours: the first 16 map onto the palette, the rest are shown uncoloured
        const n = list[i + 2];
        if (n < 16) { if (c === 38) this.state.fg = n; else this.state.bg = n; }
        i += 2;
      } else if ((c === 38 || c === 48) && list[i + 1] === 2) {
        i += 4;
      }
    }
  }
}
