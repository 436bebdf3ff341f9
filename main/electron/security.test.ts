import { describe, expect, it } from 'vitest';
import { isAppUrl, isSafeExternalUrl } from './security';

describe('Electron URL rules', () => {
  it('recognises only the app’s own pages', () => {
    expect(isAppUrl('app://maestro/index.html')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('https://maestro/index.html')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('http://localhost:5173/x', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/x', 'http://localhost:5173')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('opens only plain http(s) links outside', () => {
    expect(isSafeExternalUrl('https://docs.anthropic.com/x')).toBe(true);
    expect(isSafeExternalUrl('http://example.com')).toBe(true);
    expect(isSafeExternalUrl('file:///etc/passwd')).toBe(false);
    expect(isSafeExternalUrl('javascript:alert(1)')).toBe(false);
    expect(isSafeExternalUrl('https://user:pw@example.com')).toBe(false);
    expect(isSafeExternalUrl('smb://share/x')).toBe(false);
  });
});
