// Vaglio moderation page: keyboard shortcuts and in-place decisions.
// The page works without this file: every action is a plain form post. This
// sends the same posts with Accept: application/json and updates the page.
(() => {
  "use strict";
  const form = document.getElementById("queue");
  if (!form) return;
  const tab = form.dataset.tab;
  const endpoint = form.getAttribute("action"); // form.action is the "action" buttons here
  const notice = document.getElementById("notice");
  const dialog = document.getElementById("shortcuts");
  const selectAll = document.getElementById("select-all");
  const selectedCount = document.getElementById("selected-count");
  const withSelected = selectedCount.textContent;
  const actionKeys = { a: "approve", s: "spam", r: "reject" };

  const cards = () => Array.from(form.querySelectorAll(".card"));
  const currentCard = () => document.activeElement?.closest?.(".card") || null;

  for (const id of ["show-shortcuts", "shortcut-hint"]) {
    document.getElementById(id).hidden = false;
  }
  selectAll.closest("label").hidden = false;

  function focusCard(card) {
    if (!card) return;
    card.focus({ preventScroll: true });
    card.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const list = cards();
    if (!list.length) return;
    const index = list.indexOf(currentCard());
    const next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), list.length - 1);
    focusCard(list[next]);
  }

  function say(text, isError) {
    notice.textContent = text;
    notice.classList.toggle("notice-error", Boolean(isError));
    notice.hidden = !text;
  }

  function updateSelection() {
    const boxes = form.querySelectorAll("input.pick");
    let n = 0;
    for (const box of boxes) {
      box.closest(".card").classList.toggle("selected", box.checked);
      if (box.checked) n += 1;
    }
    selectedCount.textContent = n ? form.dataset.selected.replace("{n}", n) : withSelected;
    selectAll.checked = n > 0 && n === boxes.length;
    selectAll.indeterminate = n > 0 && n < boxes.length;
  }

  function removeCard(id, status) {
    const card = document.getElementById("c-" + id);
    if (!card) return;
    if (status === tab) return; // confirmed where it already was: it stays on this tab
    const list = cards();
    const index = list.indexOf(card);
    const hadFocus = card.contains(document.activeElement);
    card.remove();
    const counter = document.querySelector(`.tab[data-tab="${tab}"] .count`);
    if (counter) counter.textContent = Math.max(0, Number(counter.textContent) - 1);
    const counterTo = document.querySelector(`.tab[data-tab="${status}"] .count`);
    if (counterTo) counterTo.textContent = Number(counterTo.textContent) + 1;
    const rest = cards();
    if (!rest.length) {
      const empty = document.createElement("p");
      empty.className = "empty";
      empty.textContent = form.dataset.empty;
      form.querySelector(".cards").replaceWith(empty);
    } else if (hadFocus) {
      focusCard(rest[Math.min(index, rest.length - 1)]);
    }
  }

  async function decide(fields) {
    const body = new URLSearchParams();
    for (const name of ["csrf", "tab", "sort", "limit"]) {
      body.append(name, form.elements[name].value);
    }
    for (const [name, value] of fields) body.append(name, value);
    let answer;
    try {
      const response = await fetch(endpoint, {
        method: "POST",
        body,
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      });
      answer = await response.json();
      if (response.status === 401) {
        window.location.reload(); // signed out: the page shows the sign-in form
        return;
      }
      if (!response.ok && response.status !== 422) throw new Error(String(response.status));
    } catch {
      say(form.dataset.failed, true);
      return;
    }
    for (const result of answer.results || []) {
      if (result.result === "ok" || result.result === "unchanged") removeCard(result.id, result.status);
    }
    say(answer.notice || "", !answer.decided);
    updateSelection();
  }

  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button) return;
    event.preventDefault();
    if (button.name === "decide") {
      decide([["decide", button.value]]);
    } else {
      const ids = Array.from(form.querySelectorAll("input.pick:checked"), (box) => box.value);
      decide([["action", button.value], ...ids.map((id) => ["ids", id])]);
    }
  });

  form.addEventListener("change", (event) => {
    if (event.target === selectAll) {
      for (const box of form.querySelectorAll("input.pick")) box.checked = selectAll.checked;
    }
    updateSelection();
  });

  document.getElementById("show-shortcuts").addEventListener("click", () => dialog.showModal());
  document.getElementById("close-shortcuts").addEventListener("click", () => dialog.close());

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target;
    if (target.isContentEditable || /^(TEXTAREA|SELECT)$/.test(target.tagName)) return;
    if (target.tagName === "INPUT" && !/^(checkbox|radio|submit|button)$/.test(target.type)) return;
    if (event.key === "?") {
      event.preventDefault();
      if (dialog.open) dialog.close();
      else dialog.showModal();
      return;
    }
    if (dialog.open) return;
    const card = currentCard();
    if (event.key === "j") move(1);
    else if (event.key === "k") move(-1);
    else if (event.key === "x" && card) {
      const box = card.querySelector("input.pick");
      box.checked = !box.checked;
      updateSelection();
    } else if (actionKeys[event.key] && card) {
      card.classList.add("leaving");
      decide([["decide", `${actionKeys[event.key]}:${card.dataset.id}`]]).finally(() =>
        card.classList.remove("leaving"),
      );
    } else return;
    event.preventDefault();
  });
})();
