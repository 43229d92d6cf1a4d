# Included from tests/CMakeLists.txt. The libFuzzer targets need clang with its fuzzer runtime
# (Debian/Ubuntu: clang and libclang-rt-dev); they are built as a project of their own
# (tests/fuzz/CMakeLists.txt) in BUILD/fuzz, whatever the C compiler of this build is.
find_program(STENCILBENCH_CLANG NAMES clang clang-19 clang-18 clang-17 clang-16 clang-15 clang-14
             DOC "clang for the libFuzzer targets (tests/fuzz)")
set(fuzz_found OFF)
set(fuzz_why "no clang found (apt-get install clang libclang-rt-dev)")
if(STENCILBENCH_CLANG)
  set(probe_dir ${CMAKE_CURRENT_BINARY_DIR}/fuzz_probe)
  file(MAKE_DIRECTORY ${probe_dir})
  file(WRITE ${probe_dir}/probe.c "#include <stddef.h>\n#include <stdint.h>\n"
       "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);\n"
       "int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
  execute_process(COMMAND ${STENCILBENCH_CLANG} -fsanitize=fuzzer,address,undefined probe.c -o probe
                  WORKING_DIRECTORY ${probe_dir} RESULT_VARIABLE probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(probe_rc EQUAL 0)
    set(fuzz_found ON)
  else()
    set(fuzz_why "${STENCILBENCH_CLANG} cannot link -fsanitize=fuzzer (apt-get install libclang-rt-dev)")
  endif()
endif()
option(STENCILBENCH_FUZZ "Build the libFuzzer targets (tests/fuzz) with clang" ${fuzz_found})

set(FUZZ_TARGETS config grid timings netcdf)
set(FUZZ_DIR ${CMAKE_BINARY_DIR}/fuzz)
if(STENCILBENCH_FUZZ AND fuzz_found)
  include(ExternalProject)
  ExternalProject_Add(stencilbench_fuzz
    SOURCE_DIR ${CMAKE_CURRENT_SOURCE_DIR}/fuzz
    BINARY_DIR ${FUZZ_DIR}
    CMAKE_ARGS -DCMAKE_C_COMPILER=${STENCILBENCH_CLANG} -DCMAKE_BUILD_TYPE=
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON)
  set(STENCILBENCH_FUZZ_STATUS "yes, ${STENCILBENCH_CLANG} (BUILD/fuzz; tests/fuzz/README.md)" CACHE INTERNAL "")
else()
  if(NOT STENCILBENCH_FUZZ AND fuzz_found)
    set(fuzz_why "off (-DSTENCILBENCH_FUZZ=OFF)")
  endif()
  set(STENCILBENCH_FUZZ_STATUS "no: ${fuzz_why}; their smoke tests show as skipped" CACHE INTERNAL "")
  set(FUZZ_DIR ${CMAKE_BINARY_DIR}/fuzz-not-built) # never a stale BUILD/fuzz from an earlier build
endif()

# A short smoke run of each target (a fixed number of inputs from its seeds, never timed);
# skipped (77) where the targets are not built.
set(fuzz_seed_config config)
set(fuzz_seed_grid grid)
set(fuzz_seed_timings timings)
set(fuzz_seed_netcdf netcdf)
set(fuzz_runs_netcdf 300)
foreach(name ${FUZZ_TARGETS})
  set(runs 3000)
  if(DEFINED fuzz_runs_${name})
    set(runs ${fuzz_runs_${name}})
  endif()
  add_test(NAME fuzz_smoke_${name}
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/smoke.sh ${FUZZ_DIR}/fuzz_${name} ${runs}
                   ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/corpus/${fuzz_seed_${name}})
  set_tests_properties(fuzz_smoke_${name} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS fuzz)
endforeach()

# Every crashing input found so far: regressions/TARGET/* through that target (where built),
# and the netCDF ones through the CLI (no clang needed). The audit's reproducers (issue 18) are
# read from ../shared/repro beside the checkout (never copied in, as that folder's README asks);
# tests that find no input show as skipped.
get_filename_component(STENCIL_REPRO_DEFAULT "${PROJECT_SOURCE_DIR}/../shared/repro" ABSOLUTE)
set(STENCILBENCH_REPRO_DIR "${STENCIL_REPRO_DEFAULT}" CACHE PATH "Folder with the audit's crashing inputs (issue 18)")
set(fuzz_regressions ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regressions)
foreach(name timings netcdf)
  set(extra "")
  if(name STREQUAL "netcdf")
    set(extra ${STENCILBENCH_REPRO_DIR})
  endif()
  add_test(NAME fuzz_regress_${name}
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/smoke.sh ${FUZZ_DIR}/fuzz_${name} 0
                   ${fuzz_regressions}/${name} ${extra})
endforeach()
add_test(NAME fuzz_regress_cli
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress_cli.sh $<TARGET_FILE:stencilbench>
                 ${fuzz_regressions}/netcdf)
add_test(NAME fuzz_regress_cli_repro
         COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/regress_cli.sh $<TARGET_FILE:stencilbench>
                 ${STENCILBENCH_REPRO_DIR})
set_tests_properties(fuzz_regress_timings fuzz_regress_netcdf fuzz_regress_cli
                     fuzz_regress_cli_repro PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 300 LABELS fuzz)
