// The engine's side of the session manager's reports (main/core/sessions/manager.ts SessionHost).
import type { SessionInfo } from '../../../preload/model';
import type { SessionHost } from '../sessions/manager';
import type { Core } from './core';
import { guard } from './halt';
import { sessionExited, sessionNeedsInput, sessionQuiet } from './runs';

/**
 * What the session manager reports, into the rooms: output and record changes as engine events, a
 * person needed, a quiet session, an exit (after `ended`, the engine's own bookkeeping of the session).
 * The reports that act on the rooms are guarded: a failure there is the engine's to note, never the
 * session manager's.
 */
export function sessionHost(core: Core, ended: (info: SessionInfo) => void): SessionHost {
  return {
    sessionData: (sessionId, data) => core.publish('session.data', { sessionId, data }),
    sessionChanged: (info) => core.publish('session.changed', info),
    sessionNeedsInput: (info) => guard(() => sessionNeedsInput(core, info)),
    sessionQuiet: (info, ms) => guard(() => sessionQuiet(core, info, ms)),
    sessionExited: (e) =>
      guard(() => {
        guard(() => ended(e.info));
        sessionExited(core, e);
      }),
  };
}
