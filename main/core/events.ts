// A small typed event emitter: the engine's events are the contract's EngineEvents plus internal ones.
import { EventEmitter } from 'node:events';

export class TypedEmitter<Events extends { [K in keyof Events]: unknown }> {
  private readonly ee = new EventEmitter();
  constructor() {
    this.ee.setMaxListeners(0);
  }
  on<E extends keyof Events & string>(event: E, fn: (payload: Events[E]) => void): () => void {
    this.ee.on(event, fn as (p: unknown) => void);
    return () => this.ee.off(event, fn as (p: unknown) => void);
  }
  once<E extends keyof Events & string>(event: E, fn: (payload: Events[E]) => void): () => void {
    this.ee.once(event, fn as (p: unknown) => void);
    return () => this.ee.off(event, fn as (p: unknown) => void);
  }
  protected emit<E extends keyof Events & string>(event: E, payload: Events[E]): void {
    this.ee.emit(event, payload);
  }
}
