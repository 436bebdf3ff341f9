// Where the Anthropic API key comes from: the environment wins over the stored one.
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../../test/helpers';
import { anthropicKeySource, FileSecretStore } from './secrets';

describe('anthropicKeySource', () => {
  it('the environment first, then the stored key', () => {
    const store = new FileSecretStore(tmpDir());
    expect(anthropicKeySource({}, store)).toBe('missing');
    expect(anthropicKeySource({ ANTHROPIC_API_KEY: '' }, store)).toBe('missing');
    expect(anthropicKeySource({ ANTHROPIC_AUTH_TOKEN: 't' }, store)).toBe('environment');
    store.set('sk-stored');
    expect(anthropicKeySource({}, store)).toBe('stored');
    expect(anthropicKeySource({ ANTHROPIC_API_KEY: 'sk-env' }, store)).toBe('environment');
  });
});
