// Reads a data dir without an engine: for `maestro tree` and `task show` when no instance runs. It
// creates, writes and moves nothing (a bad file is reported, not moved aside); sessions recorded as
// running are shown as they were recorded.
import { DataStore } from '../store';
import { InvalidRequestError, readRequest, Requests, type RequestDocument } from './state';

export interface DataDirView {
  requests: Requests;
  notices: string[];
}

export function readDataDir(dataDir: string): DataDirView {
  const store = new DataStore(dataDir, undefined, true);
  const requests = new Requests();
  for (const doc of store.loadRoots()) {
    try {
      requests.add(readRequest(store, doc as RequestDocument));
    } catch (err) {
      if (!(err instanceof InvalidRequestError)) throw err;
      store.rejectRoot(doc.rootId, err.message);
    }
  }
  return { requests, notices: store.notices };
}
