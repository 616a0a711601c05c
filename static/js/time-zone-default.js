// Onboarding: start the profile in the browser's own time zone (the server's default
// stays when scripts are off or the browser's zone is one we do not list).
(function () {
  var field = document.querySelector('input[name="time_zone"]');
  if (!field || !window.Intl) return;
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone) field.value = zone;
})();
