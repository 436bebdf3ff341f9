// The CLI's HTTP API at its edge: no browser page and no foreign Host gets in, a request without a
// token is a 401 whatever its method, and an oversized body is answered (not cut off).
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tmpDir } from '../../../test/helpers';
import { startInstance, type Instance } from '../instance';
import { MAX_BODY_BYTES } from './http';

let instance: Instance;
let port: number;
beforeAll(async () => {
  instance = await startInstance({ dataDir: tmpDir() });
  port = Number(new URL(instance.api.url).port);
});
afterAll(async () => {
  await instance?.close();
});

function request(opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path, headers: opts.headers, agent: false }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

const admin = () => ({ authorization: `Bearer ${instance.adminToken}`, 'content-type': 'application/json' });

describe('the local HTTP API at its edge', () => {
  it('answers the admin token, and 401 to any method without a token (F11)', async () => {
    expect((await request({ path: '/api/roots.list', headers: admin(), body: '{}' })).status).toBe(200);
    expect((await request({ method: 'GET', path: '/api/roots.list' })).status).toBe(401);
    expect((await request({ method: 'GET', path: '/nowhere' })).status).toBe(401);
    expect((await request({ path: '/api/roots.list', body: '{}' })).status).toBe(401);
    expect((await request({ method: 'GET', path: '/api/health' })).status).toBe(200);
  });

  it('refuses a foreign Host and any browser Origin, even with the admin token', async () => {
    const foreign = await request({ path: '/api/roots.list', headers: { ...admin(), host: `evil.example:${port}` }, body: '{}' });
    expect(foreign.status).toBe(403);
    const page = await request({ path: '/api/roots.list', headers: { ...admin(), origin: `http://127.0.0.1:${port}` }, body: '{}' });
    expect(page.status).toBe(403);
    expect(JSON.parse(page.body).error.message).toMatch(/browser pages may not call the API/);
  });

  it('answers a body over the limit with a 400 the client receives (F11)', async () => {
    const big = Buffer.alloc(MAX_BODY_BYTES + 1024 * 1024, 0x20);
    const res = await request({ path: '/api/roots.list', headers: admin(), body: big });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.message).toMatch(/larger than 2097152 bytes/);
    expect((await request({ path: '/api/roots.list', headers: admin(), body: '{}' })).status).toBe(200);
  });

  it('answers requests it cannot parse with a 400 and keeps serving', async () => {
    for (const bytes of ['GET http://[/ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', 'NOT HTTP AT ALL\r\n\r\n', `POST /api/roots.list HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: x\r\n\r\n`]) {
      const answer = await new Promise<string>((resolve) => {
        const s = net.connect(port, '127.0.0.1');
        let got = '';
        s.on('data', (c) => (got += c.toString()));
        s.on('error', () => resolve(got));
        s.on('close', () => resolve(got));
        s.end(bytes);
      });
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d /);
    }
    expect((await request({ path: '/api/roots.list', headers: admin(), body: '{}' })).status).toBe(200);
  });
});
