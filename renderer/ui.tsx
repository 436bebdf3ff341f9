// The React half of the app, loaded by main.tsx with a dynamic import: its chunk (React, the
// components) downloads and compiles while the entry already has the WebSocket open and the tree on its
// way, so the first rows paint as soon as both are there.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './components/App';
import { ServicesProvider, type Services } from './services';

export function mountUi(el: HTMLElement, services: Services): void {
  createRoot(el).render(
    <StrictMode>
      <ServicesProvider services={services}>
        <App />
      </ServicesProvider>
    </StrictMode>,
  );
}
