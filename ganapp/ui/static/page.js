() => {
  // The page's own script (app.py passes it to launch as `js`): it runs once, when the page loads.
  // A slider's number box: Enter with a value out of range moves the slider to its end but leaves the box showing
  // what was typed (-3 beside a slider at 1); show the value in use, as the box itself does on leaving it.
  document.addEventListener("keydown", (e) => {
    const box = e.target;
    if (e.key !== "Enter" || !(box instanceof HTMLInputElement) || box.type !== "number") return;
    const range = box.closest(".block")?.querySelector("input[type=range]");
    if (!range) return;
    setTimeout(() => {
      const typed = Number(box.value);
      if (box.value !== "" && (typed < Number(range.min) || typed > Number(range.max))) box.value = range.value;
    }, 50);
  }, true);

  // An error the visible tab already shows in a note under its input (text to digit's reading of a description,
  // say) is said there once: its toast closes.
  const sayOnce = () => document.querySelectorAll(".toast-body.error:not([data-checked])").forEach((toast) => {
    toast.dataset.checked = "1";
    const message = toast.querySelector(".toast-text, [class*=text]")?.innerText.trim() || "";
    const notes = Array.from(document.querySelectorAll(".tabitem .prose")).filter((n) => n.offsetParent);
    if (message && notes.some((n) => n.innerText.includes(message))) toast.querySelector("button")?.click();
  });
  // Gradio titles its notices in English ("Error", "Warning") on a Chinese page too: retitle them in the page's
  // language, from the locale texts the server handed over (ui.inpage.toast_titles).
  const first = (navigator.languages && navigator.languages[0]) || navigator.language || "en";  // as Gradio picks
  const lang = first.toLowerCase().startsWith("zh") ? "zh-CN" : "en";
  const retitle = () => document.querySelectorAll(".toast-title").forEach((title) => {
    const word = Array.from(title.childNodes).find((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
    const texts = word && (window.ganappToastTitles || {})[word.data.trim()];
    if (texts) word.data = (texts[lang] || texts.en) + " ";   // the text only: Gradio's own nodes stay
  });
  new MutationObserver(() => { sayOnce(); retitle(); })
    .observe(document.body, { childList: true, subtree: true, attributes: true, attributeFilter: ["style", "class"] });

  // "Copy link" (ui.controls.share_link): the page's address with the tab's inputs as its query, copied, shown in the
  // address bar, and the button says so for a moment. A gallery image is named by its file name, no extension.
  window.ganappCopyLink = (tab, names, values, copied) => {
    const query = new URLSearchParams({ tab });
    const lang = new URLSearchParams(window.location.search).get("lang");  // a forced language stays
    if (lang) query.set("lang", lang);
    names.forEach((name, i) => {
      const v = values[i];
      query.set(name, v && typeof v === "object" ? (v.orig_name || "").replace(/\.[^.]+$/, "") : v);
    });
    const url = window.location.origin + window.location.pathname + "?" + query.toString();
    navigator.clipboard?.writeText(url);
    window.history.replaceState(null, "", url);
    const button = document.getElementById(`${tab}-copy-link`);
    if (button) {
      const label = button.querySelector("span") || button;
      button.dataset.label = button.dataset.label || label.textContent;
      label.textContent = copied[lang] || copied.en;
      clearTimeout(button.copiedTimer);
      button.copiedTimer = setTimeout(() => { label.textContent = button.dataset.label; }, 2500);
    }
    return [];
  };

  // Tabs that draw in the page (ui/inpage.py): a control's browser-only event hands its values to the in-page
  // module (static/inpage.js), or keeps the latest until that module has loaded.
  window.ganappRequest = (tab, values) => {
    if (window.ganappInPage) window.ganappInPage.request(tab, values);
    else (window.ganappInPageQueue ||= {})[tab] = values;
    return [];
  };
}
