/**
 * Enums, parameter classes, error classes and installGlobals: no TEE needed.
 */
import * as tizenModule from '../../src/tizen';
import {
  installGlobals,
  TeecLoginMethod,
  TeecParameter,
  TeecRegisteredMemory,
  TeecRegisteredMemoryType,
  TeecSharedMemory,
  TeecSharedMemoryFlags,
  TeecTempMemory,
  TeecTempMemoryType,
  TeecValue,
  TeecValueType,
  tizen,
  WebAPIError,
  WebAPIException,
} from '../../src/tizen';
import { fakeTeec, thrown } from './support/fake';

describe('enums', () => {
  it('are the IDL strings and objects at once', () => {
    expect(TeecLoginMethod.PUBLIC).toBe('PUBLIC');
    expect(Object.keys(TeecLoginMethod)).toEqual(['PUBLIC', 'USER', 'GROUP', 'APPLICATION']);
    expect(Object.keys(TeecValueType)).toEqual(['INPUT', 'OUTPUT', 'INOUT']);
    expect(Object.keys(TeecTempMemoryType)).toEqual(['INPUT', 'OUTPUT', 'INOUT']);
    expect(Object.keys(TeecRegisteredMemoryType)).toEqual(['WHOLE', 'PARTIAL_INPUT', 'PARTIAL_OUTPUT', 'PARTIAL_INOUT']);
    expect(TeecSharedMemoryFlags.INOUT).toBe('INOUT');
    expect(Object.isFrozen(TeecSharedMemoryFlags)).toBe(true);
  });
});

describe('TeecValue', () => {
  it('defaults to INOUT and keeps a and b as given', () => {
    const v = new TeecValue(10, 100);
    expect(v).toBeInstanceOf(TeecParameter);
    expect({ ...v }).toEqual({ type: 'INOUT', a: 10, b: 100 });
    expect(new TeecValue(5).b).toBe(0);
  });

  it('accepts the signed and the unsigned 32-bit range', () => {
    expect(new TeecValue(-0x80000000, 0xffffffff).a).toBe(-0x80000000);
  });

  it.each([
    [['10', 1], 'TypeMismatchError'],
    [[1, null], 'TypeMismatchError'],
    [[1.5, 1], 'InvalidValuesError'],
    [[-0x80000001, 1], 'InvalidValuesError'],
    [[1, 0x100000000], 'InvalidValuesError'],
    [[NaN, 1], 'InvalidValuesError'],
  ])('refuses %j with %s', (args, name) => {
    expect(thrown(() => new (TeecValue as unknown as new (...a: unknown[]) => TeecValue)(...args)).name).toBe(name);
  });

  it('needs at least one argument', () => {
    expect(thrown(() => new (TeecValue as unknown as new () => TeecValue)()).name).toBe('TypeMismatchError');
  });
});

describe('TeecTempMemory', () => {
  it('defaults to INOUT and accepts byte arrays (checked when sent), binary data and null', () => {
    expect(new TeecTempMemory(new Array(32)).mem).toHaveLength(32); // room for an OUTPUT
    expect({ ...new TeecTempMemory([1, 2, 255, -128]) }).toEqual({ type: 'INOUT', mem: [1, 2, 255, -128] });
    for (const mem of [new Uint8Array(3), Buffer.from('hi'), new Int32Array(2), new ArrayBuffer(4), new DataView(new ArrayBuffer(2)), null]) {
      expect(new TeecTempMemory(mem).mem).toBe(mem);
    }
  });

  it.each([
    ['a string', 'abc', 'TypeMismatchError'],
    ['an object', { length: 2 }, 'TypeMismatchError'],
    ['no argument', undefined, 'TypeMismatchError'],
  ])('refuses %s', (_what, mem, name) => {
    const make = mem === undefined ? () => new (TeecTempMemory as unknown as new () => unknown)() : () => new TeecTempMemory(mem as never);
    expect(thrown(make).name).toBe(name);
  });
});

describe('TeecRegisteredMemory', () => {
  const { teec } = fakeTeec();
  const ctx = teec.getContext();

  it('defaults to the PARTIAL type matching the block flags', () => {
    expect(new TeecRegisteredMemory(ctx.allocateSharedMemory(16, 'INPUT'), 0, 16).type).toBe('PARTIAL_INPUT');
    expect(new TeecRegisteredMemory(ctx.allocateSharedMemory(16, 'OUTPUT'), 0, 16).type).toBe('PARTIAL_OUTPUT');
    const shm = ctx.allocateSharedMemory(16, TeecSharedMemoryFlags.INOUT);
    const p = new TeecRegisteredMemory(shm, 4, 8);
    expect(p).toMatchObject({ type: 'PARTIAL_INOUT', shm, offset: 4, size: 8 });
  });

  it('checks its arguments', () => {
    const shm = ctx.allocateSharedMemory(16, 'INOUT');
    expect(thrown(() => new TeecRegisteredMemory({ size: 16 } as never, 0, 16)).name).toBe('TypeMismatchError');
    expect(thrown(() => new TeecRegisteredMemory(shm, '0' as never, 16)).name).toBe('TypeMismatchError');
    expect(thrown(() => new TeecRegisteredMemory(shm, 8, 9)).name).toBe('InvalidValuesError');
    expect(thrown(() => new TeecRegisteredMemory(shm, -1, 1)).name).toBe('InvalidValuesError');
    expect(thrown(() => new (TeecRegisteredMemory as unknown as new (...a: unknown[]) => unknown)(shm, 0)).name).toBe('TypeMismatchError');
    ctx.releaseSharedMemory(shm);
    expect(thrown(() => new TeecRegisteredMemory(shm, 0, 16)).name).toBe('InvalidValuesError');
  });
});

describe('errors', () => {
  it('WebAPIException carries name, message and the legacy code', () => {
    const e = new WebAPIException('TypeMismatchError', 'x must be a string');
    expect(e).toBeInstanceOf(Error);
    expect([e.name, e.message, e.code]).toEqual(['TypeMismatchError', 'x must be a string', 17]);
    expect(new WebAPIException('InvalidValuesError', '').code).toBe(100);
    expect(new WebAPIException('NotSupportedError', '').code).toBe(9);
    expect(new WebAPIException('SecurityError', '').code).toBe(18);
  });

  it('WebAPIError carries the GP code and origin', () => {
    const e = new WebAPIError('InvalidValuesError', 'rejected', { code: 0xffff0006, origin: 4 });
    expect(e).toMatchObject({ name: 'InvalidValuesError', code: 0xffff0006, codeName: 'TEEC_ERROR_BAD_PARAMETERS', origin: 4, originName: 'TRUSTED_APP' });
  });

  it('shared memory, contexts and sessions are not constructible from user code', () => {
    expect(() => new (TeecSharedMemory as unknown as new () => unknown)()).toThrow(TypeError);
    expect(() => new (tizenModule.TeecContext as unknown as new () => unknown)()).toThrow(TypeError);
    expect(() => new (tizenModule.TeecSession as unknown as new () => unknown)()).toThrow(TypeError);
  });
});

describe('installGlobals', () => {
  it('defines tizen.teec, the classes and the enums, keeping other tizen members', () => {
    const target: Record<string, unknown> = { tizen: { other: 1 } };
    installGlobals(target);
    installGlobals(target); // idempotent
    expect(target.tizen).toEqual({ other: 1, teec: tizen.teec });
    for (const name of ['TeecValue', 'TeecTempMemory', 'TeecRegisteredMemory', 'TeecLoginMethod', 'TeecValueType', 'TeecTempMemoryType', 'TeecRegisteredMemoryType', 'TeecSharedMemoryFlags', 'WebAPIException', 'WebAPIError']) {
      expect(target[name]).toBe((tizenModule as Record<string, unknown>)[name]);
    }
  });

  it('installs on globalThis by default, as rx-teec/tizen/register does', () => {
    const g = globalThis as Record<string, unknown>;
    jest.isolateModules(() => {
      require('../../src/tizen/register');
    });
    expect((g.tizen as { teec: unknown }).teec).toBeDefined();
    expect(typeof g.TeecValue).toBe('function');
    expect((g.TeecLoginMethod as Record<string, string>).PUBLIC).toBe('PUBLIC');
  });
});
