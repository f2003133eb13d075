import { describe, expect, it } from 'vitest';
import { childText, fields, parseXml, XmlError } from './xml.js';

describe('minimal XML reader', () => {
  it('reads WeCom envelopes: CDATA, plain text, nested lists, a prolog and comments', () => {
    const root = parseXml(`<?xml version="1.0"?>
      <!-- from WeCom -->
      <xml>
        <ToUserName><![CDATA[ww123]]></ToUserName>
        <CreateTime>1409659813</CreateTime>
        <Content><![CDATA[ a <b> & ]]]]><![CDATA[> c]]></Content>
        <Escaped>1 &lt; 2 &amp; &#x4F60;&#22909;</Escaped>
        <MemChangeList><Item>Jack</Item><Item><![CDATA[Rose]]></Item></MemChangeList>
        <Empty/>
      </xml>`);
    expect(root.name).toBe('xml');
    expect(fields(root)).toMatchObject({
      ToUserName: 'ww123',
      CreateTime: '1409659813',
      Content: ' a <b> & ]]> c',
      Escaped: '1 < 2 & 你好',
      Empty: '',
    });
    const list = root.children.find((c) => c.name === 'MemChangeList')!;
    expect(list.children.map((c) => c.text)).toEqual(['Jack', 'Rose']);
    expect(childText(root, 'Missing')).toBeUndefined();
  });

  it('refuses DTDs and entity declarations (no XXE, no entity expansion)', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY x SYSTEM "file:///etc/passwd">]><xml><A>&x;</A></xml>`;
    expect(() => parseXml(xxe)).toThrow(XmlError);
    expect(() => parseXml('<xml><!DOCTYPE x><A>1</A></xml>')).toThrow(/refused/);
    expect(() => parseXml('<xml><A>&x;</A></xml>')).toThrow(/unknown entity/);
  });

  it('refuses malformed documents', () => {
    for (const bad of ['', 'plain', '<xml>', '<xml><A></B></xml>', '<xml></xml><extra/>', '<xml><A>1</A>'])
      expect(() => parseXml(bad), bad).toThrow(XmlError);
    expect(() => parseXml(`<xml>${'<a>'.repeat(40)}</xml>`)).toThrow(/deep/);
  });
});
