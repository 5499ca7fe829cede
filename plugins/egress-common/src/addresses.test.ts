import { cidrHasHostBits, formatCidr, formatIp, isIpLiteral, parseCidr, parseIp } from './addresses';

describe('IP parsing', () => {
  it.each([
    ['1.2.3.4', '1.2.3.4'],
    ['::', '::'],
    ['::1', '::1'],
    ['2001:DB8::1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:1:0:0:0:1', '2001:db8:0:1::1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::ffff:192.0.2.1', '::ffff:c000:201'],
  ])('parses %s as %s', (text, canonical) => {
    const ip = parseIp(text);
    expect(ip).toBeDefined();
    expect(formatIp(ip!)).toBe(canonical);
  });

  it.each(['1.2.3', '1.2.3.4.5', '01.2.3.4', '256.0.0.0', '1.2.3.-1', ':::', '1::2::3', '1:2:3:4:5:6:7:8:9', 'fe80::1%eth0', '12345::', 'g::1', '1.2.3.4::', ''])(
    'rejects %s',
    text => expect(parseIp(text)).toBeUndefined(),
  );

  it('parses CIDRs and finds host bits', () => {
    expect(formatCidr(parseCidr('10.0.0.0/8')!)).toBe('10.0.0.0/8');
    expect(cidrHasHostBits(parseCidr('10.0.0.1/8')!)).toBe(true);
    expect(cidrHasHostBits(parseCidr('10.128.0.0/9')!)).toBe(false);
    expect(cidrHasHostBits(parseCidr('10.192.0.0/9')!)).toBe(true);
    expect(parseCidr('10.0.0.0/08')).toBeUndefined();
    expect(parseCidr('1.2.3.4')!.prefix).toBe(32);
  });

  it('recognises IP literals as hosts', () => {
    expect(isIpLiteral('[::1]')).toBe(true);
    expect(isIpLiteral('example.com')).toBe(false);
  });
});
