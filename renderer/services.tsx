// The app's services (API, store, controller, terminal router) and the hooks components use.
import { createContext, useContext, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { MaestroApi } from '../preload/contract';
import type { AppController } from './store/controller';
import type { AppState, AppStore } from './store/store';
import type { TerminalRouter } from './terminal/router';

export interface Services {
  api: MaestroApi;
  store: AppStore;
  controller: AppController;
  router: TerminalRouter;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const s = useContext(ServicesContext);
  if (!s) throw new Error('useServices must be used inside <ServicesProvider>');
  return s;
}

/** Subscribes to one slice of the store. Keep selectors atomic or memoized (stable references). */
export function useApp<T>(selector: (s: AppState) => T): T {
  return useStore(useServices().store, selector);
}
