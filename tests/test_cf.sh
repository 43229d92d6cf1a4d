#!/usr/bin/env bash
# The CF checker (PyPI cfchecker, which needs udunits2: Debian libudunits2-0) on what generate
# and model write: 0 errors and 0 warnings. Skipped (77) where cfchecks is not installed.
# cfchecks downloads the CF standard name, area type and region tables unless given files;
# with no network here it gets small local tables: the entries of the CF standard name table
# (version 84) for the standard names these files use, with their canonical units, which
# cfchecks checks each variable's units against.
# usage: test_cf.sh PATH/TO/stencilbench
set -u
sb=$1
command -v cfchecks >/dev/null || {
    echo "test_cf: skipped: cfchecks not installed (pip install cfchecker; apt-get install libudunits2-0)"
    exit 77
}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
cat >names.xml <<'XML'
<?xml version="1.0"?>
<standard_name_table>
<version_number>84</version_number>
<last_modified>2024-01-19T15:55:10Z</last_modified>
<entry id="sea_water_potential_temperature"><canonical_units>K</canonical_units></entry>
<entry id="depth"><canonical_units>m</canonical_units></entry>
<entry id="latitude"><canonical_units>degree_north</canonical_units></entry>
<entry id="longitude"><canonical_units>degree_east</canonical_units></entry>
<entry id="time"><canonical_units>s</canonical_units></entry>
</standard_name_table>
XML
cat >areas.xml <<'XML'
<?xml version="1.0"?>
<area_type_table><version_number>12</version_number><date>2023-04-12</date><entry id="sea"/></area_type_table>
XML
cat >regions.xml <<'XML'
<?xml version="1.0"?>
<standardized_region_list><version_number>4</version_number><date>2018-03-30</date><entry id="global"/></standardized_region_list>
XML
fails=0
"$sb" generate gen.nc >/dev/null || exit 1
"$sb" model --variant naive --input gen.nc --output pred.nc --steps 3 --save-every 2 >/dev/null || exit 1
for f in gen.nc pred.nc; do
    cfchecks -s names.xml -a areas.xml -r regions.xml "$f" >"$f.cf" 2>&1
    if ! grep -q '^ERRORS detected: 0$' "$f.cf" || ! grep -q '^WARNINGS given: 0$' "$f.cf"; then
        fails=$((fails + 1))
        echo "FAIL: cfchecks $f:"
        grep -E '^(ERROR|WARN|Checking variable)|detected|given|Error|error' "$f.cf" | sed 's/^/    /' | head -20
    fi
done
echo "test_cf: $fails failed"
[ "$fails" -eq 0 ]
