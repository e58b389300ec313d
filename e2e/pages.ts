/** Page objects: what a user sees and does, one class per screen. No sleeps: every wait is on UI state. */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export class AppShell {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.getByTestId('connection').and(this.page.locator('[data-state="open"]')).waitFor();
  }

  async go(view: 'library' | 'photos' | 'duplicates' | 'people' | 'series' | 'delete'): Promise<void> {
    await this.page.getByTestId(`nav-${view}`).click();
    await this.page.getByTestId(`view-${view}`).waitFor();
  }

  async setLanguage(lang: 'en' | 'zh'): Promise<void> {
    await this.page.getByTestId('lang').selectOption(lang);
  }
}

/** The full-window viewer and the compare view. */
export class ViewerPage {
  constructor(readonly page: Page) {}

  viewer(): Locator {
    return this.page.getByTestId('viewer');
  }

  compare(): Locator {
    return this.page.getByTestId('compare');
  }

  async photoId(): Promise<number> {
    return Number(await this.viewer().getAttribute('data-photo-id'));
  }

  /** The on-screen size of the shown image, in CSS pixels (one per image pixel at 100 %). */
  async shownSize(
    pane: Locator = this.viewer(),
  ): Promise<{ width: number; height: number; naturalWidth: number }> {
    const img = pane.getByTestId('viewer-image');
    await this.page.waitForFunction(
      (el) => el instanceof HTMLImageElement && el.complete && el.naturalWidth > 0,
      await img.elementHandle(),
    );
    return img.evaluate((el) => {
      const r = el.getBoundingClientRect();
      return { width: r.width, height: r.height, naturalWidth: (el as HTMLImageElement).naturalWidth };
    });
  }

  async percent(): Promise<string> {
    return this.page.getByTestId('zoom-percent').innerText();
  }

  async close(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.viewer().or(this.compare()).waitFor({ state: 'detached' });
  }
}

export class LibraryPage {
  constructor(readonly page: Page) {}

  /** Types a folder into the browse dialog; waits until it is listed (or, for a bad path, until an error shows). */
  async addFolderByBrowsing(folder: string, expectListing = true): Promise<void> {
    const dialog = this.page.getByTestId('confirm');
    if (!(await dialog.isVisible())) {
      await this.page.getByTestId('add-folder').click();
      await dialog.waitFor();
    }
    await this.page.getByTestId('browse-path').fill(folder);
    await this.page.getByTestId('browse-go').click();
    if (expectListing) await this.page.getByTestId('browse-current').filter({ hasText: folder }).waitFor();
    else await dialog.getByTestId('error').waitFor();
  }

  async confirmFolder(): Promise<void> {
    await this.page.getByTestId('confirm-ok').click();
    await this.page.getByTestId('folder').first().waitFor();
  }

  folders(): Locator {
    return this.page.getByTestId('folder');
  }

  async startScan(): Promise<void> {
    await this.page.getByTestId('scan').click();
  }

  job(state?: string): Locator {
    const jobs = this.page.getByTestId('job-group');
    return state ? jobs.and(this.page.locator(`[data-state="${state}"]`)) : jobs;
  }

  /** Resolves once a running stage has made progress (or the job already finished). */
  async progressVisible(): Promise<void> {
    await this.page.waitForFunction(() => {
      // The stage now running (the last bar of the running job) has moved.
      const bars = [
        ...document.querySelectorAll('[data-testid="job-group"][data-state="running"] [role="progressbar"]'),
      ];
      const current = bars[bars.length - 1];
      return (
        (current !== undefined && Number(current.getAttribute('aria-valuenow')) > 0) ||
        document.querySelector('[data-testid="job-group"][data-state="done"]') !== null
      );
    });
  }

  scanErrors(): Locator {
    return this.page.getByTestId('scan-error');
  }
}

export class DuplicatesPage {
  constructor(readonly page: Page) {}

  groups(): Locator {
    return this.page.getByTestId('dup-group');
  }

  current(): Locator {
    return this.page.locator('[data-testid="dup-group"][data-current="true"]');
  }

  async filter(kind: 'all' | 'exact' | 'near'): Promise<void> {
    await this.page.getByTestId(`filter-${kind}`).click();
  }

  async press(key: string): Promise<void> {
    await this.page.keyboard.press(key);
  }

  /** Marks every non-keeper of the current group for deletion; returns their photo ids. */
  async markNonKeepersOfCurrent(): Promise<number[]> {
    const members = this.current().locator('[data-testid="dup-member"][data-keep="false"]');
    const ids: number[] = [];
    for (const member of await members.all()) {
      ids.push(Number(await member.getAttribute('data-photo-id')));
      await member.getByTestId('mark').click();
      await member.and(this.page.locator('.marked')).waitFor();
    }
    return ids;
  }

  async resolveAllSuggested(): Promise<void> {
    await this.page.getByTestId('resolve-all').click();
    await this.page.getByTestId('confirm').waitFor();
  }
}

export class DeletePage {
  constructor(readonly page: Page) {}

  async plan(): Promise<Locator> {
    await this.page.getByTestId('make-plan').click();
    const plan = this.page.getByTestId('plan');
    await plan.waitFor();
    return plan;
  }

  planItems(): Locator {
    return this.page.getByTestId('plan-item');
  }

  async dryRun(): Promise<void> {
    await this.page.getByTestId('dry-run').click();
    await this.page.locator('[data-testid="result"][data-state="dry-run"]').waitFor();
  }

  async moveToTrash(): Promise<void> {
    if (await this.page.getByTestId('confirm-guarded').isVisible())
      await this.page.getByTestId('confirm-guarded').check();
    await this.page.getByTestId('move-to-trash').click();
    await this.page.getByTestId('confirm-ok').click();
    await this.page.locator('[data-testid="result"][data-state="done"]').waitFor();
  }

  async undo(): Promise<void> {
    await this.page.getByTestId('result').getByTestId('undo').click();
    await this.page.locator('[data-testid="result"][data-state="undone"]').waitFor();
  }
}

export class PeoplePage {
  constructor(readonly page: Page) {}

  cards(): Locator {
    return this.page.getByTestId('person');
  }

  async rename(index: number, name: string): Promise<void> {
    await this.cards().nth(index).getByTestId('open-person').click();
    await this.page.getByTestId('person-page').waitFor();
    await this.page.getByTestId('rename-input').fill(name);
    await this.page.getByTestId('rename').click();
    await this.page
      .getByTestId('rename-input')
      .and(this.page.locator(`[value="${name}"]`))
      .waitFor();
  }

  async back(): Promise<void> {
    await this.page.getByTestId('back').click();
    await this.cards().first().waitFor();
  }

  async merge(indices: number[], intoName: string): Promise<void> {
    for (const i of indices) await this.cards().nth(i).getByTestId('select-person').check();
    await this.page.getByTestId('merge').click();
    await this.page.getByTestId('merge-into').filter({ hasText: intoName }).click();
    await this.page.getByTestId('confirm-ok').click();
  }

  unknownClusters(): Locator {
    return this.page.getByTestId('cluster');
  }

  /** Names the unknown-face cluster at `index` (all its faces) and waits until it leaves the list. */
  async nameCluster(index: number, name: string): Promise<void> {
    const before = await this.unknownClusters().count();
    const cluster = this.unknownClusters().nth(index);
    await cluster.getByTestId('cluster-name').fill(name);
    await cluster.getByTestId('cluster-save').click();
    await expect.poll(() => this.unknownClusters().count()).toBe(before - 1);
  }
}

export class SeriesPage {
  constructor(readonly page: Page) {}

  cards(): Locator {
    return this.page.getByTestId('series');
  }

  async open(index: number): Promise<void> {
    await this.cards().nth(index).click();
    await this.page.getByTestId('series-page').waitFor();
    await this.page.getByTestId('shot').first().waitFor();
  }
}
