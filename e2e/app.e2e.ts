/**
 * The whole app in a browser against the real engine: add a folder, scan with visible
 * progress, review and resolve a duplicate group, delete to trash, undo, rename and merge
 * people, open a series, switch to Chinese. A screenshot of every screen goes to e2e/artifacts/.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import type { Harness } from './harness';
import { screenshot, startHarness } from './harness';
import { PACKAGE_ROOT } from '../src/engine/paths';
import { startBridge } from '../src/hosts/bridge/bridge';
import {
  AppShell,
  DeletePage,
  DuplicatesPage,
  LibraryPage,
  PeoplePage,
  SeriesPage,
  ViewerPage,
} from './pages';

let h: Harness;
let shell: AppShell;

beforeAll(async () => {
  h = await startHarness();
  shell = new AppShell(h.page);
  await shell.open(h.bridge.url);
});

afterAll(async () => {
  await h?.close();
});

beforeEach((context) => {
  // A failed step must not leave a modal open for the next one; and its screen is kept for diagnosis.
  onTestFailed(async () => {
    await screenshot(h.page, `failed-${context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`).catch(
      () => undefined,
    );
    await h.page.keyboard.press('Escape');
  });
});

const exists = (p: string): Promise<boolean> =>
  fs.access(p).then(
    () => true,
    () => false,
  );

describe('Sift in the browser', () => {
  it('keeps the page away from Node and the token out of the URL', async () => {
    expect(await h.page.evaluate(() => typeof (globalThis as Record<string, unknown>).require)).toBe(
      'undefined',
    );
    expect(await h.page.evaluate(() => typeof (globalThis as Record<string, unknown>).process)).toBe(
      'undefined',
    );
    expect(await h.page.evaluate(() => typeof (globalThis as Record<string, unknown>).siftTransport)).toBe(
      'undefined',
    );
    expect(h.page.url()).not.toContain('token');
    // The token lives in an HttpOnly cookie: page scripts cannot read it.
    expect(await h.page.evaluate(() => document.cookie)).toBe('');
    await screenshot(h.page, '01-library-empty');
  });

  it('adds a folder through the folder browser and scans it with visible progress', async () => {
    const library = new LibraryPage(h.page);
    // A folder that does not exist: the engine's error message is shown, not a blank dialog.
    await library.addFolderByBrowsing(path.join(h.dir, 'no-such-folder'), false);
    await expect(h.page.getByTestId('confirm').getByTestId('error').innerText()).resolves.toMatch(
      /no-such-folder|not found|exist/i,
    );
    // The dialog stays on the bad path and cannot add the folder it showed before (the home folder).
    await expect(h.page.getByTestId('browse-current').innerText()).resolves.toBe(
      path.join(h.dir, 'no-such-folder'),
    );
    expect(await h.page.getByTestId('confirm-ok').isDisabled()).toBe(true);
    expect(await h.page.getByTestId('browse-entry').count()).toBe(0);
    await library.addFolderByBrowsing(h.photos);
    await screenshot(h.page, '02-folder-browser');
    await library.confirmFolder();
    await expect(library.folders().first().innerText()).resolves.toContain(h.photos);
    await library.startScan();
    await library.job('running').first().waitFor();
    await library.progressVisible();
    await screenshot(h.page, '03-scan-progress');
    // Duplicates during the scan: "still scanning", never a premature "No duplicates found".
    await shell.go('duplicates');
    await h.page.getByTestId('dup-scanning').waitFor();
    expect(await h.page.getByTestId('view-duplicates').innerText()).not.toContain('No duplicates found');
    await screenshot(h.page, '03b-duplicates-while-scanning');
    await shell.go('library');
    await h.engine.waitIdle();
    await library.job('done').first().waitFor();
    await library.scanErrors().first().waitFor();
    const errors = await library.scanErrors().allInnerTexts();
    expect(errors.some((e) => e.includes('ukbench09268_corrupt.jpg'))).toBe(true);
    await h.page.getByTestId('library-summary').waitFor();
    await screenshot(h.page, '04-library-scanned');
  });

  it('shows the photo grid', async () => {
    await shell.go('photos');
    await h.page.getByTestId('photo').first().waitFor();
    // Real thumbnails from the engine's cache, decoded by the browser.
    await h.page.waitForFunction(() =>
      [...document.querySelectorAll<HTMLImageElement>('[data-testid="photo"] img')]
        .slice(0, 8)
        .every((img) => img.complete && img.naturalWidth > 0),
    );
    await screenshot(h.page, '05-photos');

    // Sorted by date, each day has a header with its number of photos (the engine's days, in order).
    const days = await h.engine.api.library.photoDays({ utcOffsetMinutes: -new Date().getTimezoneOffset() });
    const headers = h.page.getByTestId('photo-day');
    await headers.first().waitFor();
    expect(await headers.first().getAttribute('data-day')).toBe(days[0]?.day);
    expect(await headers.first().innerText()).toContain(`${days[0]?.photos} photo`);
    const second = days[1];
    if (second && (days[0]?.photos ?? 0) <= 6)
      await expect(
        h.page.locator(`[data-testid="photo-day"][data-day="${second.day}"]`).innerText(),
      ).resolves.toContain(`${second.photos} photo`);

    // Hovering a photo shows its file name and date on it.
    const { photos: byDate } = await h.engine.api.library.photos({ sort: 'captured', offset: 0, limit: 1 });
    const tile = h.page.getByTestId('photo').first();
    await tile.hover();
    const caption = tile.getByTestId('photo-caption');
    await expect.poll(() => caption.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    expect(await caption.innerText()).toContain(path.basename(byDate[0]?.path ?? '?'));
    await screenshot(h.page, '05-photos-hover');

    // The folder filter (a folder with its subfolders, through a validated engine argument).
    const folders = await h.engine.api.library.photoFolders({});
    const sub = folders
      .filter((f) => f.path !== h.photos && f.photos >= 2)
      .sort((a, b) => a.photos - b.photos)[0];
    if (!sub) throw new Error('no subfolder with photos');
    await h.page.getByTestId('photos-folder').selectOption(sub.path);
    await expect.poll(() => h.page.getByTestId('photos-total').innerText()).toBe(`(${sub.photos})`);
    await expect.poll(() => h.page.getByTestId('photo').count()).toBe(sub.photos);
    for (const title of await h.page
      .getByTestId('photo')
      .evaluateAll((els) => els.map((el) => el.getAttribute('title') ?? ''))) {
      expect(title.split('\n')[1]?.startsWith(sub.path)).toBe(true);
    }
    await screenshot(h.page, '05-photos-folder');
    await h.page.getByTestId('photos-folder').selectOption('');
    await expect.poll(() => h.page.getByTestId('photos-total').innerText()).not.toBe(`(${sub.photos})`);
  });

  it('opens a photo on click (marking is a separate, explicit box), walks with the keys and zooms to 100 %', async () => {
    const viewer = new ViewerPage(h.page);
    await h.page.getByTestId('photos-sort').selectOption('size');
    const first = h.page.getByTestId('photo').first();
    const { photos } = await h.engine.api.library.photos({ sort: 'size', offset: 0, limit: 500 });
    await expect.poll(() => first.getAttribute('data-photo-id')).toBe(String(photos[0]?.id));
    await first.getByTestId('photo-open').click();
    await viewer.viewer().waitFor();
    // A click opens; it does not mark the photo for deletion.
    expect(await h.page.getByTestId('nav-delete').locator('.badge').count()).toBe(0);
    expect(await viewer.photoId()).toBe(photos[0]?.id);
    await expect(h.page.getByTestId('viewer-position').innerText()).resolves.toBe(`1 of ${photos.length}`);

    // → walks to the first photo larger than the stage, ← steps back, → again.
    const stage = h.page.getByTestId('zoom-stage');
    const box = await stage.boundingBox();
    if (!box) throw new Error('no stage');
    const tall = photos.findIndex(
      (p, i) => i > 0 && ((p.height ?? 0) > box.height || (p.width ?? 0) > box.width),
    );
    expect(tall).toBeGreaterThan(0);
    for (let i = 0; i < tall; i++) await h.page.keyboard.press('ArrowRight');
    await expect.poll(() => viewer.photoId()).toBe(photos[tall]?.id);
    await h.page.keyboard.press('ArrowLeft');
    await expect.poll(() => viewer.photoId()).toBe(photos[tall - 1]?.id);
    await h.page.keyboard.press('ArrowRight');
    await expect.poll(() => viewer.photoId()).toBe(photos[tall]?.id);
    await expect(h.page.getByTestId('viewer-position').innerText()).resolves.toBe(
      `${tall + 1} of ${photos.length}`,
    );

    const detail = await h.engine.api.library.photo({ id: photos[tall]?.id ?? 0 });
    await expect.poll(() => h.page.getByTestId('viewer-name').innerText()).toBe(path.basename(detail.path));
    const facts = await h.page.getByTestId('viewer-facts').innerText();
    expect(facts).toContain(path.dirname(detail.path));
    expect(facts).toContain(`${detail.width} × ${detail.height}`);

    // Fit first: the whole photo in the window, shrunk.
    await expect.poll(async () => (await viewer.shownSize()).height).toBeLessThanOrEqual(box.height);
    expect((await viewer.shownSize()).width).toBeLessThanOrEqual(box.width);
    expect(Number((await viewer.percent()).replace(/\D/g, ''))).toBeLessThan(100);
    await screenshot(h.page, '05a-viewer');

    // 100 %: one photo pixel per CSS pixel, from the original file (not an enlarged preview).
    await h.page.getByTestId('zoom-100').click();
    await expect.poll(() => viewer.percent()).toBe('100 %');
    const full = await viewer.shownSize();
    expect(Math.round(full.height)).toBe(detail.height);
    expect(Math.round(full.width)).toBe(detail.width);
    expect(full.naturalWidth).toBe(detail.width);

    // Dragging pans the picture (up and left: it is larger than the stage in at least one direction).
    const corner = (): Promise<number> =>
      h.page.getByTestId('viewer-image').evaluate((el) => {
        const r = el.getBoundingClientRect();
        return r.left + r.top;
      });
    const before = await corner();
    await h.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await h.page.mouse.down();
    await h.page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 - 120, { steps: 4 });
    await h.page.mouse.up();
    await expect.poll(corner).toBeLessThan(before);
    await screenshot(h.page, '05b-viewer-100');

    // Keys: 0 fits, 1 is actual size, Esc closes.
    await h.page.keyboard.press('0');
    await expect.poll(async () => Number((await viewer.percent()).replace(/\D/g, ''))).toBeLessThan(100);
    await h.page.keyboard.press('1');
    await expect.poll(() => viewer.percent()).toBe('100 %');
    await viewer.close();

    // Marking is explicit: the tile's own box.
    await first.hover();
    await first.getByTestId('photo-select').check();
    await expect(h.page.getByTestId('nav-delete').locator('.badge').innerText()).resolves.toBe('1');
    await first.getByTestId('photo-select').uncheck();
    await expect.poll(() => h.page.getByTestId('nav-delete').locator('.badge').count()).toBe(0);
    // Shift-click selects a range: the first box, then shift on the fourth.
    await first.getByTestId('photo-select').click();
    const fourth = h.page.getByTestId('photo').nth(3);
    await fourth.hover();
    await fourth.getByTestId('photo-select').click({ modifiers: ['Shift'] });
    await expect.poll(() => h.page.getByTestId('nav-delete').locator('.badge').innerText()).toBe('4');
    await screenshot(h.page, '05c-photos-selected');
    await shell.go('delete');
    await h.page.getByTestId('clear-basket').click();
    await expect.poll(() => h.page.getByTestId('nav-delete').locator('.badge').count()).toBe(0);
  });

  let trashedPaths: string[] = [];

  it('reviews duplicates with the keyboard and marks a group for deletion', async () => {
    await shell.go('duplicates');
    const dup = new DuplicatesPage(h.page);
    await dup.groups().first().waitFor();
    await screenshot(h.page, '06-duplicates');

    // Every copy of a group is shown (rows, no horizontal scroller), each with its folder from the
    // library folder down, never cut from the left.
    const { groups: firstGroups } = await h.engine.api.dedup.groups({ kind: 'all', offset: 0, limit: 1 });
    const biggest = firstGroups[0];
    if (!biggest) throw new Error('no duplicate group');
    const groupBox = await dup.groups().first().boundingBox();
    const memberBoxes = await dup
      .groups()
      .first()
      .getByTestId('dup-member')
      .evaluateAll((els) => els.map((el) => el.getBoundingClientRect().toJSON() as DOMRect));
    expect(memberBoxes.length).toBe(biggest.members.length);
    expect(biggest.members.length).toBeGreaterThanOrEqual(2);
    for (const box of memberBoxes) {
      expect(box.left).toBeGreaterThanOrEqual(groupBox?.x ?? Infinity);
      expect(box.right).toBeLessThanOrEqual((groupBox?.x ?? 0) + (groupBox?.width ?? 0));
      expect(box.bottom).toBeLessThanOrEqual((groupBox?.y ?? 0) + (groupBox?.height ?? 0));
    }
    const folders = await dup.groups().first().getByTestId('member-folder').allInnerTexts();
    expect(folders).toEqual(
      biggest.members.map((m) => path.relative(path.dirname(h.photos), path.dirname(m.path))),
    );

    // → moves to the next group.
    const firstId = await dup.current().getAttribute('data-group-id');
    await dup.press('ArrowRight');
    await expect.poll(() => dup.current().getAttribute('data-group-id')).not.toBe(firstId);
    await dup.press('ArrowLeft');
    await expect.poll(() => dup.current().getAttribute('data-group-id')).toBe(firstId);

    // 2 then k makes the second copy the keeper (a real setKeeper round trip). The list may
    // reorder afterwards; the focus follows the group.
    const groupId = await dup.current().getAttribute('data-group-id');
    const second = dup.current().getByTestId('dup-member').nth(1);
    const photoId = await second.getAttribute('data-photo-id');
    expect(await second.getAttribute('data-keep')).toBe('false');
    await dup.press('2');
    await dup.press('k');
    const chosen = h.page.locator(`[data-group-id="${groupId}"] [data-photo-id="${photoId}"]`);
    await expect.poll(() => chosen.getAttribute('data-keep')).toBe('true');
    await expect.poll(() => dup.current().getAttribute('data-group-id')).toBe(groupId);
    await expect(chosen.innerText()).resolves.toContain('you chose this copy');
    // The selection follows the photo, not its position: the cards re-sorted, and d marks the copy chosen.
    await dup.press('d');
    await expect.poll(() => chosen.getAttribute('class')).toContain('marked');
    expect(await dup.current().locator('[data-testid="dup-member"].marked').count()).toBe(1);
    await dup.press('d');
    await expect.poll(() => chosen.getAttribute('class')).not.toContain('marked');

    const ids = await dup.markNonKeepersOfCurrent();
    expect(ids.length).toBeGreaterThan(0);
    const members = dup.current().locator('[data-testid="dup-member"][data-keep="false"]');
    trashedPaths = await members.evaluateAll((els) =>
      els.map((el) => el.querySelector('img')?.getAttribute('alt') ?? ''),
    );
    expect(trashedPaths.every((p) => p.length > 0)).toBe(true);
    await screenshot(h.page, '07-duplicate-marked');

    // Compare the copies side by side: one zoom for all, differing facts highlighted.
    const viewer = new ViewerPage(h.page);
    const memberCount = await dup.current().getByTestId('dup-member').count();
    await dup.press('c');
    await viewer.compare().waitFor();
    const panesShown = Math.min(memberCount, 4);
    expect(await h.page.getByTestId('compare-pane').count()).toBe(panesShown);
    await expect
      .poll(() => h.page.locator('[data-testid="compare-pane"] [data-fact="folder"]').count())
      .toBe(panesShown);
    expect(
      await h.page.locator('[data-testid="compare-pane"] [data-differs="true"]').count(),
    ).toBeGreaterThan(0);
    await h.page.getByTestId('zoom-100').click();
    await expect.poll(() => viewer.percent()).toBe('100 %');
    const panes = h.page.getByTestId('compare-pane');
    const widths = await Promise.all(
      (await panes.all()).map(async (pane) => Math.round((await viewer.shownSize(pane)).width)),
    );
    // Synchronised: every copy drawn at the same size, so the same part of the picture lines up.
    expect(new Set(widths).size).toBe(1);
    await screenshot(h.page, '06b-compare');
    await viewer.close();

    // Enter opens the selected copy in the viewer; → walks the group.
    await dup.press('1');
    await dup.press('Enter');
    await viewer.viewer().waitFor();
    await h.page.keyboard.press('ArrowRight');
    await expect.poll(() => h.page.getByTestId('viewer-position').innerText()).toMatch(/^2 of /);
    await viewer.close();

    // n (not a duplicate) can be undone at once, and later from the list of answers.
    await dup.filter('near');
    await dup.groups().first().waitFor();
    const total = async (): Promise<number> =>
      Number((await h.page.getByTestId('dup-total').innerText()).replace(/\D/g, ''));
    const nearBefore = await total();
    // A group other than the one whose copies are marked for deletion above (a dismissed group drops its marks).
    const unmarked = h.page
      .locator(`[data-testid="dup-group"]:not([data-group-id="${groupId ?? ''}"])`)
      .first();
    await unmarked.locator('.group-head').click({ position: { x: 4, y: 4 } });
    await dup.press('n');
    await expect.poll(total).toBe(nearBefore - 1);
    await h.page.getByTestId('undo-bar').getByTestId('undo-action').click();
    await expect.poll(total).toBe(nearBefore);
    await unmarked.locator('.group-head').click({ position: { x: 4, y: 4 } });
    await dup.press('n');
    await expect.poll(total).toBe(nearBefore - 1);
    await h.page.getByTestId('show-dismissed').click();
    await h.page.getByTestId('dismissal').first().waitFor();
    expect(await h.page.getByTestId('dismissal').count()).toBe(1);
    await screenshot(h.page, '07b-dismissed');
    await h.page.getByTestId('restore-dismissal').click();
    await expect.poll(() => h.page.getByTestId('dismissal').count()).toBe(0);
    await h.page.getByTestId('show-dismissed').click();
    await expect.poll(total).toBe(nearBefore);

    await dup.filter('exact');
    await dup.groups().first().waitFor();
    const kinds = await h.page.locator('[data-testid="dup-group"] .tag.exact').count();
    expect(kinds).toBeGreaterThan(0);
    expect(await h.page.locator('[data-testid="dup-group"] .tag.near').count()).toBe(0);
    await dup.filter('all');
  });

  it('plans the deletion, runs it dry, moves to trash and undoes it', async () => {
    await shell.go('delete');
    const del = new DeletePage(h.page);
    const plan = await del.plan();
    expect(await del.planItems().count()).toBe(trashedPaths.length);
    await expect(plan.getByTestId('plan-summary').innerText()).resolves.toMatch(/files/);
    await screenshot(h.page, '08-delete-plan');

    await del.dryRun();
    for (const p of trashedPaths) expect(await exists(p), p).toBe(true);

    await del.moveToTrash();
    await screenshot(h.page, '09-trashed');
    for (const p of trashedPaths) {
      expect(await exists(p), `${p} should be in the trash`).toBe(false);
      expect(p.startsWith(h.photos)).toBe(true);
    }
    const trashed = await fs.readdir(path.join(h.trashDir, 'files'));
    expect(trashed.length).toBe(trashedPaths.length);

    await del.undo();
    for (const p of trashedPaths) expect(await exists(p), `${p} should be restored`).toBe(true);
    await screenshot(h.page, '10-undone');
  });

  it('turns "resolve all suggested" into a plan after confirmation', async () => {
    await shell.go('duplicates');
    const dup = new DuplicatesPage(h.page);
    await dup.groups().first().waitFor();
    await dup.resolveAllSuggested();
    await screenshot(h.page, '11-resolve-all-confirm');
    await h.page.getByTestId('confirm-ok').click();
    await h.page.getByTestId('plan').waitFor();
    const status = await h.engine.api.library.status({});
    expect(await h.page.getByTestId('plan-item').count()).toBeGreaterThan(0);
    // Each file says which kept copy it duplicates (worded by the UI from the engine's keys).
    for (const reason of await h.page.getByTestId('plan-reason').allInnerTexts())
      expect(reason).toMatch(/^(exact copy|near duplicate) of [^()]+$/);
    expect(status.duplicateGroups).toBeGreaterThan(0);
    await screenshot(h.page, '12-resolve-all-plan');
  });

  it('renames and merges people', async () => {
    await shell.go('people');
    const people = new PeoplePage(h.page);
    await people.cards().first().waitFor();
    await screenshot(h.page, '13-people');
    const before = await people.cards().count();
    expect(before).toBeGreaterThanOrEqual(2);

    // The two smallest clusters: the biggest ones share group photos, and two faces in one
    // photo are never merged (the engine answers CONFLICT).
    await people.rename(before - 2, 'Alice');
    await screenshot(h.page, '14-person');
    await people.back();
    await people.cards().getByTestId('person-name').filter({ hasText: 'Alice' }).waitFor();

    // The merge dialog: pick who survives, then one Merge button beside Cancel; undo right after.
    await people
      .cards()
      .nth(before - 2)
      .getByTestId('select-person')
      .check();
    await people
      .cards()
      .nth(before - 1)
      .getByTestId('select-person')
      .check();
    await h.page.getByTestId('merge').click();
    await h.page.getByTestId('merge-into').filter({ hasText: 'Alice' }).click();
    const footer = await h.page.getByTestId('confirm').locator('.row.end button').allInnerTexts();
    expect(new Set(footer).size).toBe(2);
    await screenshot(h.page, '14b-merge-dialog');
    await h.page.getByTestId('confirm-ok').click();
    await expect.poll(() => people.cards().count()).toBe(before - 1);
    // The Undo survives a reload of the page.
    await h.page.reload();
    await h.page.getByTestId('view-people').waitFor();
    await people.cards().first().waitFor();
    await expect(h.page.getByTestId('undo-bar').innerText()).resolves.toMatch(/Alice/);
    await h.page.getByTestId('undo-bar').getByTestId('undo-action').click();
    await expect.poll(() => people.cards().count()).toBe(before);
    await expect.poll(() => h.page.getByTestId('undo-bar').count()).toBe(0);
    for (const box of await people.cards().getByTestId('select-person').all()) await box.uncheck();

    await people.merge([before - 2, before - 1], 'Alice');
    await expect.poll(() => people.cards().count()).toBe(before - 1);
    const names = await people.cards().getByTestId('person-name').allInnerTexts();
    expect(names).toContain('Alice');
    await screenshot(h.page, '15-people-merged');

    await h.page.getByTestId('tab-unknown').click();
    await h.page.getByTestId('unknown-clusters').waitFor();
    await people.unknownClusters().first().waitFor();
    await screenshot(h.page, '16-unknown-faces');

    // Naming an unknown face makes it a person.
    await people.nameCluster(0, 'Zoe');
    await h.page.getByTestId('tab-people').click();
    await people.cards().getByTestId('person-name').filter({ hasText: 'Zoe' }).waitFor();
    expect(await people.cards().count()).toBe(before);
  });

  it('opens a series and explains it', async () => {
    await shell.go('series');
    const series = new SeriesPage(h.page);
    await series.cards().first().waitFor();
    await screenshot(h.page, '17-series');
    await series.open(0);
    const why = await h.page.getByTestId('series-reasons').locator('li').allInnerTexts();
    // Copied files share one file date: the series says it has no usable time instead of quoting it.
    expect(why[0]).toMatch(/^\d+ photos (taken |without a usable time)/);
    expect(await h.page.locator('[data-testid="shot"].best').count()).toBe(1);
    // The day is said once (in the title), and the shots are explained in words: no scores, no internal ids.
    const dayAndWhy = `${await h.page.getByTestId('series-title').innerText()}\n${why.join('\n')}`;
    expect(dayAndWhy.match(/\b(19|20)\d\d\b/g)?.length ?? 0).toBeLessThanOrEqual(1);
    const shotReasons = await h.page.getByTestId('shot-reasons').allInnerTexts();
    expect(shotReasons.length).toBeGreaterThan(0);
    for (const text of shotReasons) expect(text).not.toMatch(/\d\.\d\d|#\d|score/);
    await screenshot(h.page, '18-series-page');
  });

  it('switches to Simplified Chinese', async () => {
    await shell.setLanguage('zh');
    await shell.go('duplicates');
    await expect(h.page.getByTestId('nav-duplicates').innerText()).resolves.toContain('重复照片');
    await h.page.getByTestId('dup-group').first().waitFor();
    // The engine's reasons are worded by the UI too: keys and numbers in, Chinese sentences out.
    const reasons = await h.page.getByTestId('dup-group').first().getByTestId('reasons').allInnerTexts();
    expect(reasons.length).toBeGreaterThan(0);
    for (const text of reasons) expect(text).toMatch(/[\u4e00-\u9fff]/);
    expect(reasons.join(' ')).not.toMatch(/resolution|keeper|you chose/);
    expect(await h.page.getByTestId('dup-group').first().getByTestId('evidence').innerText()).toMatch(
      /同一张照片|完全相同的文件/,
    );
    await screenshot(h.page, '19-duplicates-zh');
    await shell.go('library');
    await new LibraryPage(h.page).scanErrors().first().waitFor();
    const errors = await new LibraryPage(h.page).scanErrors().allInnerTexts();
    expect(errors.some((e) => /图片已损坏|图片不完整|不是图片/.test(e))).toBe(true);
    await screenshot(h.page, '20-library-zh');
    await shell.go('series');
    const series = new SeriesPage(h.page);
    await series.cards().first().waitFor();
    await series.open(0);
    const why = await h.page.getByTestId('series-reasons').locator('li').allInnerTexts();
    expect(why[0]).toMatch(/张照片，历时|张照片没有可用的时间|张照片在同一秒内拍摄/);
    expect(await h.page.getByTestId('series-title').innerText()).toMatch(/张照片/);
    for (const text of await h.page.getByTestId('shot-reasons').allInnerTexts())
      expect(text).not.toMatch(/best shot|redundant|score|kept/);
    await screenshot(h.page, '21-series-zh');
    await shell.go('people');
    await new PeoplePage(h.page).cards().first().waitFor();
    await screenshot(h.page, '22-people-zh');
    await shell.go('delete');
    await h.page.getByTestId('view-delete').waitFor();
    await screenshot(h.page, '23-delete-zh');
    // The photo grid, the viewer and the compare view in Chinese too.
    await shell.go('photos');
    await h.page.getByTestId('photo').first().waitFor();
    await screenshot(h.page, '23b-photos-zh');
    await h.page.getByTestId('photo').first().getByTestId('photo-open').click();
    await h.page.getByTestId('viewer').waitFor();
    await expect(h.page.getByTestId('viewer-position').innerText()).resolves.toMatch(/^第 1 张，共 \d+ 张$/);
    await screenshot(h.page, '23c-viewer-zh');
    await h.page.keyboard.press('Escape');
    await shell.go('duplicates');
    await h.page.getByTestId('dup-group').first().getByTestId('dup-compare').click();
    await h.page.getByTestId('compare').waitFor();
    await h.page.locator('[data-testid="compare-pane"] [data-fact="folder"]').first().waitFor();
    await screenshot(h.page, '23d-compare-zh');
    await h.page.keyboard.press('Escape');
    await h.page.getByTestId('compare').waitFor({ state: 'detached' });
    await shell.setLanguage('en');
  });

  it('says plainly what to do when Sift restarts with a new token, and works again at the new address', async () => {
    const errorsBefore = h.consoleErrors.length;
    const port = h.bridge.port;
    await h.bridge.close();
    h.bridge = await startBridge({
      engine: h.engine,
      port,
      staticDir: path.join(PACKAGE_ROOT, 'renderer', 'dist'),
    });
    const banner = h.page.getByTestId('conn-banner').and(h.page.locator('[data-state="expired"]'));
    await banner.waitFor();
    await expect(banner.innerText()).resolves.toMatch(/npm start/);
    await screenshot(h.page, '24-restarted');
    await shell.open(h.bridge.url);
    await shell.go('duplicates');
    await h.page.getByTestId('dup-group').first().waitFor();
    // The refused handshakes and the 401 answer while Sift was away are the expected noise of a restart.
    h.consoleErrors.splice(errorsBefore);
  });

  it('marks a folder as the one to keep copies from, and the mark stays', async () => {
    await shell.setLanguage('en');
    await shell.go('library');
    const prefer = h.page.getByTestId('prefer-folder').first();
    await expect(prefer.isChecked()).resolves.toBe(false);
    await prefer.click();
    await h.page.locator('[data-testid="prefer-folder"]:checked').waitFor();
    await screenshot(h.page, '25-preferred-folder');
    const folders = (await h.engine.dispatch('library:listFolders', {})) as Array<{ preferred: boolean }>;
    expect(folders.map((f) => f.preferred)).toEqual([true]);
    await h.page.reload();
    await shell.go('library');
    await expect(h.page.getByTestId('prefer-folder').first().isChecked()).resolves.toBe(true);
    await h.page.getByTestId('prefer-folder').first().click();
    await h.page.locator('[data-testid="prefer-folder"]:not(:checked)').waitFor();
  });

  it('asks before removing a folder and says what goes with it', async () => {
    await shell.setLanguage('en');
    await shell.go('library');
    await h.page.getByTestId('remove-folder').first().click();
    const dialog = h.page.getByTestId('confirm');
    await dialog.waitFor();
    await expect(dialog.innerText()).resolves.toMatch(/people/);
    await screenshot(h.page, '26-remove-folder-confirm');
    await h.page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(await new LibraryPage(h.page).folders().count()).toBe(1);
  });

  it('ran every screen under the strict CSP without a violation and without a console error', () => {
    expect(h.cspViolations).toEqual([]);
    expect(h.consoleErrors).toEqual([]);
  });
});
