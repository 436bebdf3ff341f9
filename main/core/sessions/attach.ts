// Clients attached to a live session (visible panes), each with its own flow-control account: the PTY
// is paused on the slowest client's unacknowledged output, and runs free when nobody watches.
import type { TerminalProcess } from '../terminal/terminal-process';

/** A client's view of one session's output. */
export interface Attachment {
  /** Recent output (the replay), then `send` gets every batch from that moment on. */
  data: string;
  restored: boolean;
  live: boolean;
  ack(chars: number): void;
  detach(): void;
}

interface Consumer {
  send: (data: string) => void;
  /** Chars sent to this consumer and not yet acknowledged as parsed. */
  unacked: number;
}

export class Consumers {
  private readonly map = new Map<number, Consumer>();
  private nextId = 1;

  constructor(private readonly term: TerminalProcess) {}

  /** Sends a batch to every attached client. */
  deliver(data: string): void {
    for (const c of this.map.values()) {
      c.unacked += data.length;
      c.send(data);
    }
  }

  /** Attaches a client: the replay and the live stream meet in this one call, nothing lost or repeated. */
  attach(send: (data: string) => void): Attachment {
    const data = this.term.tail();
    const id = this.nextId++;
    const consumer: Consumer = { send, unacked: 0 };
    if (this.map.size === 0) this.term.setFlowControl(true);
    this.map.set(id, consumer);
    return {
      data,
      restored: data.length > 0,
      live: true,
      ack: (chars) => this.settle(() => (consumer.unacked = Math.max(0, consumer.unacked - chars))),
      detach: () => {
        if (!this.map.has(id)) return;
        this.settle(() => this.map.delete(id));
        if (this.map.size === 0) this.term.setFlowControl(false);
      },
    };
  }

  private maxUnacked(): number {
    let max = 0;
    for (const c of this.map.values()) max = Math.max(max, c.unacked);
    return max;
  }

  private settle(change: () => void): void {
    const before = this.maxUnacked();
    change();
    const after = this.maxUnacked();
    if (after < before) this.term.acknowledge(before - after);
  }
}
