// Browser tests of the web client: two people in two browser contexts, on two different gateways.
// Run by chatctl's BrowserIT against a system it started (CHAT_URL), or by hand against
// `bin/chatctl up --gateways 2`:  CHAT_URL=http://127.0.0.1:8080 node --test chat.spec.mjs
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const BASE = process.env.CHAT_URL || 'http://127.0.0.1:8080';
const RUN = Math.random().toString(36).slice(2, 8);
const WAIT = { timeout: 20000 };
let browser;

before(async () => {
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});
after(async () => browser && browser.close());

async function person(name, gateway, viewport = { width: 1000, height: 700 }) {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${BASE}/?gateway=${gateway}`);
  await page.fill('#login-name', name);
  await page.click('#login-form button');
  await page.waitForSelector('#connection:text("online")', WAIT);
  return { context, page, name };
}

async function open(page, channelName) {
  const button = page.locator('#channels button', { hasText: channelName });
  await button.waitFor(WAIT);
  await button.click();
  await page.waitForSelector('#composer:not([hidden])', WAIT);
}

async function say(page, text) {
  await page.fill('#text', text);
  await page.click('#composer button');
}

const texts = (page) => page.locator('#messages li:not(.notice) .text').allTextContents();

async function until(check, what) {
  const deadline = Date.now() + WAIT.timeout;
  let last;
  while (Date.now() < deadline) {
    last = await check();
    if (last) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`timed out waiting for ${what}`);
}

test('two people chat in a group and a direct channel across two gateways', async () => {
  const alice = await person(`alice-${RUN}`, 0);
  const bob = await person(`bob-${RUN}`, 1);
  const group = `team-${RUN}`;

  // push is on in the local stack: the service worker that shows notifications is installed
  await alice.page.waitForSelector('#notify:not([hidden])', WAIT);
  assert.ok(await alice.page.evaluate(() => navigator.serviceWorker.ready.then((r) => Boolean(r.active))));

  await alice.page.fill('#new-name', group);
  await alice.page.fill('#new-members', bob.name);
  await alice.page.click('#new-channel button');
  await alice.page.waitForSelector(`#title:text("${group}")`, WAIT);
  await open(bob.page, group);

  // typing shows on the other side and clears on its own
  await alice.page.fill('#text', 'typing…');
  await bob.page.waitForSelector('#typing:text("typing")', WAIT);
  await bob.page.waitForFunction(() => document.getElementById('typing').textContent === '', null, WAIT);
  await alice.page.fill('#text', '');

  // messages appear in order on both sides; the sender's last one turns to "read"
  const sent = ['one', 'two', 'three', 'four', 'five'].map((w) => `${w}-${RUN}`);
  for (const text of sent) await say(alice.page, text);
  await until(async () => JSON.stringify(await texts(bob.page)) === JSON.stringify(sent), 'bob to see five messages in order');
  await until(async () => JSON.stringify(await texts(alice.page)) === JSON.stringify(sent), 'alice to see her five messages');
  await alice.page.waitForSelector('#messages li.mine:last-child[data-status="read"]', WAIT);
  // one's own messages show their time, like everyone else's
  const own = await alice.page.locator('#messages li.mine .meta').allTextContents();
  assert.ok(own.every((meta) => /\d{1,2}[:.]\d{2}/.test(meta)), 'a time on every own message: ' + JSON.stringify(own));

  // the typing line goes as soon as the typer's message arrives (not when the indicator expires)
  await bob.page.waitForFunction(() => document.getElementById('typing').textContent === '', null, WAIT);
  await alice.page.fill('#text', 'this one is sent at once');
  await bob.page.waitForSelector('#typing:text("typing")', WAIT);
  await alice.page.click('#composer button');
  await bob.page.waitForFunction(() => document.getElementById('typing').textContent === '', null, { timeout: 2000 });
  sent.push('this one is sent at once');

  // mentions: typing @ suggests the channel's members; the mentioned member sees it marked
  const prefix = bob.name.slice(0, 4);
  await until(async () => {
    await alice.page.fill('#text', '@' + prefix);
    return (await alice.page.locator(`#mention-suggestions button:text-is("@${bob.name}")`).count()) > 0;
  }, 'a suggestion of bob\'s name');
  await alice.page.click(`#mention-suggestions button:text-is("@${bob.name}")`);
  assert.equal(await alice.page.inputValue('#text'), `@${bob.name} `);
  await alice.page.fill('#text', `@${bob.name} please review-${RUN}`);
  await alice.page.click('#composer button');
  sent.push(`@${bob.name} please review-${RUN}`);
  await bob.page.waitForSelector(`#messages li.mentioned .mention:text-is("@${bob.name}")`, WAIT);

  // threads: bob replies to alice's first message in a thread; alice sees "1 reply" and opens it
  await bob.page.locator('#messages li', { hasText: sent[0] }).locator('.thread-link').click();
  await bob.page.waitForSelector('#thread:not([hidden])', WAIT);
  await bob.page.fill('#thread-text', `in the thread-${RUN}`);
  await bob.page.click('#thread-composer button');
  await bob.page.waitForSelector(`#thread-replies li:has-text("in the thread-${RUN}")`, WAIT);
  const aliceRoot = alice.page.locator('#messages li', { hasText: sent[0] });
  await aliceRoot.locator('.thread-link:text-is("1 reply")').waitFor(WAIT);
  await aliceRoot.locator('.thread-link').click();
  await alice.page.waitForSelector(`#thread-replies li:has-text("in the thread-${RUN}")`, WAIT);
  assert.ok(!(await texts(alice.page)).includes(`in the thread-${RUN}`), 'a reply stays out of the main list');
  await alice.page.click('#thread-close');
  await bob.page.click('#thread-close');

  // typing right after a send shows again (the send ends the typing; it does not start a pause)
  await bob.page.waitForFunction(() => document.getElementById('typing').textContent === '', null, WAIT);
  await alice.page.fill('#text', 'and one more…');
  await bob.page.waitForSelector('#typing:text("typing")', WAIT);
  await alice.page.fill('#text', '');

  // on a phone (390 × 700) the channel list is reachable and the history shows
  const phone = await person(bob.name, 0, { width: 390, height: 700 });
  await open(phone.page, group);
  await until(async () => JSON.stringify(await texts(phone.page)) === JSON.stringify(sent), 'the phone to show the history');
  await phone.page.screenshot({ path: (process.env.SCREENSHOT || 'chat.png').replace(/\.png$/, '-phone.png') });
  // two views: the conversation replaced the list; Back brings the list back
  assert.ok(!(await phone.page.locator('#channels').isVisible()), 'the list is hidden while a channel is open');
  // a thread is a view of its own on a phone, with Back to the conversation
  await phone.page.locator('#messages li', { hasText: sent[0] }).locator('.thread-link:text-is("1 reply")').click();
  await phone.page.waitForSelector(`#thread-replies li:has-text("in the thread-${RUN}")`, WAIT);
  assert.ok(!(await phone.page.locator('#composer').isVisible()), 'the conversation is hidden behind the thread');
  await phone.page.screenshot({ path: (process.env.SCREENSHOT || 'chat.png').replace(/\.png$/, '-phone-thread.png') });
  await phone.page.click('#thread-close');
  await phone.page.waitForSelector('#composer', { state: 'visible', ...WAIT });
  await phone.page.click('#back');
  await phone.page.waitForSelector('#channels', { state: 'visible', ...WAIT });
  assert.ok(!(await phone.page.locator('#composer').isVisible()), 'the conversation is hidden on the list');
  await phone.context.close();

  // a direct channel
  await alice.page.fill('#new-name', '');
  await alice.page.fill('#new-members', bob.name);
  await alice.page.selectOption('#new-type', 'direct');
  await alice.page.click('#new-channel button');
  // the direct channel is open, named after the other person on each side
  await alice.page.waitForSelector(`#title:text("${bob.name}")`, WAIT);
  await say(alice.page, `dm-${RUN}`);
  await until(async () => (await bob.page.locator('#channels button').allTextContents()).some((t) => t.includes(alice.name)),
    'bob to see the direct channel listed under alice\'s name');
  await open(bob.page, alice.name);
  await until(async () => (await texts(bob.page)).includes(`dm-${RUN}`), 'bob to see the direct message');
  await say(bob.page, `dm-reply-${RUN}`);
  await bob.page.waitForSelector('#messages li.mine[data-status="delivered"], #messages li.mine[data-status="read"]', WAIT);
  await until(async () => (await texts(alice.page)).includes(`dm-reply-${RUN}`),
    'alice to see the reply; she sees ' + JSON.stringify(await texts(alice.page)) + ' in ' + await alice.page.locator('#title').textContent()
    + '; bob: ' + JSON.stringify(await bob.page.locator('#messages li .meta').allTextContents()));

  // a reload keeps the history (session and channel survive in sessionStorage, history from the api)
  await open(bob.page, group);
  await bob.page.reload();
  await until(async () => JSON.stringify(await texts(bob.page)) === JSON.stringify(sent), 'history after reload');

  // a dropped socket is healed by the reconnect, and nothing sent meanwhile is missing
  await open(alice.page, group);
  await bob.page.evaluate(() => window.chat.dropSocket());
  const meanwhile = [`six-${RUN}`, `seven-${RUN}`];
  for (const text of meanwhile) await say(alice.page, text);
  await until(async () => JSON.stringify(await texts(bob.page)) === JSON.stringify([...sent, ...meanwhile]),
    'bob to catch up after the drop, in order and without duplicates');
  await bob.page.waitForSelector('#connection:text("online")', WAIT);

  // bob sends an image (uploaded to the store with a signed URL): it shows inline on both sides, sized
  // before it loads; each side fetches the file through the api's redirect
  const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAKAAAABkCAIAAACO1KzYAAABDklEQVR42u3cMQ0AIAxFwfrBAlIQjAXUUA8dOjSXsP/k3doQ67zy+3eXn92e3RAasNCAhQYMGLBdwHYB2wUMWGjAQgMWGrBdwHYB2wUMWGjAQgMWGjDgVmCxZu8CBiw0YKEBAwZsF7BdwHYBAxYasNCAhQZsF7BdwHYBAxYasNCAhQYMuBdYLFeVQgMWGjBgwHYB2wVsFzBgoQELDVhowHYB2wVsFzBgoQELDVhowIAB2/VPll1XlXYBAxYasNCAhQZsF7BdwHYBAxYasNCAhQZsF7BdwHYBAxYasNCAhfZPFiRXlXYB2wVsFzBgoQELDVhowHYB2wVsFzBgoQELDVhowIAB2wVsFzBgoUfvJmjv2+gxYopbAAAAAElFTkSuQmCC', 'base64');
  await bob.page.setInputFiles('#file', { name: `pic-${RUN}.png`, mimeType: 'image/png', buffer: png });
  for (const page of [alice.page, bob.page]) {
    await page.waitForFunction(() => [...document.querySelectorAll('#messages .attachment img')]
      .some((image) => image.complete && image.naturalWidth === 160 && image.getAttribute('height') === '100'), null, WAIT);
  }

  // presence: bob sees alice online, then offline with a last-seen time once her browser is gone
  await bob.page.waitForSelector(`#presence [data-user] .dot.online`, WAIT);

  // alice edits her first message and deletes her second: bob sees both changes live, and history keeps them
  const mineOne = alice.page.locator('#messages li.mine', { hasText: `one-${RUN}` });
  await mineOne.locator('button.edit').click();
  await alice.page.fill('.edit-form input', `one-${RUN}, edited`);
  await alice.page.click('.edit-form button');
  await bob.page.waitForSelector(`#messages li:has-text("one-${RUN}, edited") .edited`, WAIT);
  await alice.page.locator('#messages li.mine', { hasText: `two-${RUN}` }).locator('button.delete').click();
  await bob.page.waitForSelector('#messages li.deleted .text:text("message deleted")', WAIT);
  assert.ok(!(await texts(bob.page)).includes(`two-${RUN}`), 'the deleted text is gone on the other side');
  // bob reacts to alice's third message: alice sees the count, and it is his
  const third = (page) => page.locator('#messages li', { hasText: `three-${RUN}` });
  await third(bob.page).locator('.add-reaction').click();
  await third(bob.page).locator('.picker button', { hasText: '🎉' }).click();
  await third(alice.page).locator('.reactions button.chip', { hasText: '🎉 1' }).waitFor(WAIT);
  await third(bob.page).locator('.reactions button.chip.me', { hasText: '🎉 1' }).waitFor(WAIT);
  await bob.page.reload(); // history from the api: the persister applied both
  let afterReload = [];
  try {
    await until(async () => {
      afterReload = await texts(bob.page);
      return afterReload.some((t) => t.startsWith(`one-${RUN}, edited`)) && afterReload.includes('message deleted')
        && !afterReload.includes(`two-${RUN}`);
    }, 'the edit and the tombstone in history after a reload');
  } catch (error) {
    throw new Error(`${error.message}; bob shows ${JSON.stringify(afterReload)}`);
  }
  await until(async () => { // from history, once the persister has it (reload until then)
    if (await third(bob.page).locator('.reactions button.chip.me', { hasText: '🎉 1' }).count() > 0) return true;
    await bob.page.reload();
    await bob.page.locator('#messages li', { hasText: `three-${RUN}` }).waitFor(WAIT);
    return false;
  }, 'the reaction in history after a reload');
  await bob.page.waitForSelector(`#presence [data-user] .dot.online`, WAIT);

  // alice renames the group: bob's title and list follow (channel_updated)
  await alice.page.click('#rename');
  await alice.page.fill('#rename-name', `crew-${RUN}`);
  await alice.page.click('#rename-form button');
  await bob.page.waitForSelector(`#title:text("crew-${RUN}")`, WAIT);
  await alice.page.waitForSelector(`#messages li.notice:text("renamed the channel to crew-${RUN}")`, WAIT);
  const shot = process.env.SCREENSHOT || 'chat.png';
  await alice.page.screenshot({ path: shot });
  await bob.page.screenshot({ path: shot.replace(/\.png$/, '-bob.png') });
  await alice.context.close();
  await bob.page.waitForSelector('#presence [data-status="offline"]', WAIT);
  const presence = await bob.page.locator('#presence').textContent();
  assert.match(presence, /last seen|offline/);

  // bob leaves the group: it is gone from his list
  await bob.page.click('#leave');
  await bob.page.waitForSelector('#title:text("Pick a channel")', WAIT);
  await until(async () => !(await bob.page.locator('#channels button').allTextContents()).some((t) => t.includes(`crew-${RUN}`)),
    'the group to leave bob\'s list');
  await bob.context.close();
});
