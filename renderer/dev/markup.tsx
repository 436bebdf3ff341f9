// Rendering views to markup for the component tests (react-dom/server in the node environment: effects
// do not run), and a small parser of that markup.
import type { ReactElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { createStore } from 'zustand/vanilla';
import type { MaestroApi } from '../../preload/contract';
import { ServicesProvider } from '../services';
import { AppController } from '../store/controller';
import type { AppState, AppStore } from '../store/store';
import { TerminalRouter } from '../terminal/router';
import { FakeApi, manualScheduler } from './test-utils';

export function render(prepared: AppStore, ui: ReactElement, api: MaestroApi = new FakeApi()): string {
  // Server rendering reads a store's *initial* state (useSyncExternalStore's server snapshot), so the
  // views get a store that starts from the prepared state.
  const store = createStore<AppState>()(() => prepared.getState());
  const controller = new AppController(api, store, { scheduler: manualScheduler().scheduler });
  return renderToStaticMarkup(
    <ServicesProvider services={{ api, store, controller, router: new TerminalRouter(api) }}>{ui}</ServicesProvider>,
  );
}

export interface El {
  tag: string;
  attrs: Record<string, string>;
  /** The text right after the opening tag, up to the next tag. */
  text: string;
}

/** Parses the markup into elements with their attributes (enough for these assertions). */
export function elements(html: string): El[] {
  const out: El[] = [];
  const re = /<([a-z]+)((?:\s+[a-zA-Z-]+(?:="[^"]*")?)*)\s*\/?>([^<]*)/g;
  for (let m = re.exec(html); m; m = re.exec(html)) {
    const attrs: Record<string, string> = {};
    for (const a of m[2].matchAll(/([a-zA-Z-]+)(?:="([^"]*)")?/g)) attrs[a[1]] = decode(a[2] ?? '');
    out.push({ tag: m[1], attrs, text: decode(m[3]) });
  }
  return out;
}

function decode(s: string): string {
  return s
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The markup's text, entities decoded, whitespace collapsed: inline tags vanish, other tags count as a space. */
export function textOf(html: string): string {
  return decode(html.replace(/<\/?(?:code|strong|span|em|b|kbd)\b[^>]*>/g, '').replace(/<[^>]+>/g, ' '))
    .replace(/\s+/g, ' ')
    .trim();
}
