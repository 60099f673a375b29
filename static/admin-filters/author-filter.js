"use strict";
// The admin's "By author" box: choosing a member reloads the list filtered by their id, clearing the box
// removes the filter. The box itself is the admin's select2, set up by admin/js/autocomplete.js.
{
    const $ = django.jQuery;

    $(function () {
        // select2 announces a choice with a jQuery event, which addEventListener would not hear.
        $("select.author-filter").on("change", function () {
            const url = new URL(this.dataset.queryString, window.location.href);
            if (this.value) {
                url.searchParams.set(this.name, this.value);
            }
            window.location.assign(url.href);
        });
    });
}
