/* Project board: drag a card to the next column to ask for its tollgate review.
 * A drop never changes a phase: dropping on the next column opens the project's tollgate page;
 * dropping anywhere else only says why not. Cards without `draggable` (customers, pending
 * tollgates, closed projects) cannot be dragged; every movable card also has a "Move to …" link,
 * which is what keyboards and phones use. */
(function () {
  "use strict";
  var REFUSAL = "Projects move one phase at a time, through a tollgate review";

  // Keep the address short and shareable: empty filter fields are not submitted.
  function tidyFilterForm() {
    var form = document.querySelector(".pb-filter-form");
    if (!form) return;
    form.addEventListener("submit", function () {
      Array.prototype.forEach.call(form.elements, function (el) {
        if (el.name && (el.tagName === "SELECT" || el.type === "text") && !el.value) el.disabled = true;
      });
    });
    // Coming back with the browser's back button must not leave fields disabled.
    window.addEventListener("pageshow", function () {
      Array.prototype.forEach.call(form.elements, function (el) { el.disabled = false; });
    });
  }

  function init() {
    tidyFilterForm();
    var board = document.querySelector("[data-board]");
    if (!board || !board.hasAttribute("data-can-move")) return;
    var message = document.querySelector("[data-board-message]");
    var dragged = null;

    function say(text) {
      if (!message) return;
      message.textContent = text;
      message.hidden = false;
    }

    function columnOf(node) {
      return node && node.closest ? node.closest(".pb-col") : null;
    }

    function clearMarks() {
      board.querySelectorAll(".pb-col.is-target, .pb-col.is-refused").forEach(function (col) {
        col.classList.remove("is-target", "is-refused");
      });
    }

    board.addEventListener("dragstart", function (event) {
      var card = event.target.closest ? event.target.closest(".pb-card[draggable='true']") : null;
      if (!card) return;
      dragged = card;
      card.classList.add("is-dragging");
      if (event.dataTransfer) {
        event.dataTransfer.effectAllowed = "move";
        event.dataTransfer.setData("text/plain", card.getAttribute("data-project") || "");
      }
    });

    board.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("is-dragging");
      dragged = null;
      clearMarks();
    });

    board.addEventListener("dragover", function (event) {
      var col = columnOf(event.target);
      if (!dragged || !col) return;
      event.preventDefault(); // allow the drop everywhere, so a wrong column can explain itself
      var allowed = col.getAttribute("data-phase") === dragged.getAttribute("data-next-phase");
      // "none" would cancel the drop, and the refused drop must still explain itself: mark it instead.
      if (event.dataTransfer) event.dataTransfer.dropEffect = "move";
      clearMarks();
      if (col.getAttribute("data-phase") !== dragged.getAttribute("data-phase")) {
        col.classList.add(allowed ? "is-target" : "is-refused");
      }
    });

    board.addEventListener("drop", function (event) {
      var col = columnOf(event.target);
      if (!dragged || !col) return;
      event.preventDefault();
      var card = dragged;
      var phase = col.getAttribute("data-phase");
      clearMarks();
      if (phase === card.getAttribute("data-phase")) return; // dropped back where it was
      if (phase === card.getAttribute("data-next-phase")) {
        say("Opening the " + (columnLabel(card) || "tollgate") + " tollgate review…");
        window.location.assign(card.getAttribute("data-tollgate-url"));
        return;
      }
      say(REFUSAL + ".");
    });

    function columnLabel(card) {
      var col = columnOf(card);
      return col ? col.getAttribute("data-label") : "";
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
