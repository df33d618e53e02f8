# snapsim_library(NAME SRCS ... DEPS ... [PRIVATE_DEPS ...])
#   One library per folder, exported as snapsim::NAME.
function(snapsim_library NAME)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;PRIVATE_DEPS" ${ARGN})
  add_library(snapsim_${NAME} STATIC ${ARG_SRCS})
  add_library(snapsim::${NAME} ALIAS snapsim_${NAME})
  target_include_directories(snapsim_${NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(snapsim_${NAME} PUBLIC ${ARG_DEPS} PRIVATE ${ARG_PRIVATE_DEPS})
  snapsim_warnings(snapsim_${NAME})
endfunction()

# snapsim_test(NAME SRCS ... DEPS ... [LABELS ...])
#   A GoogleTest executable whose cases are registered with ctest one by one.
#   With SNAPSIM_BUILD_TESTS=OFF, NAME is a stand-in instead: an executable outside `all`
#   that only says tests are off. It needs no GoogleTest, and callers may still set its
#   compile definitions or dependencies without checking the option.
function(snapsim_test NAME)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS;LABELS" ${ARGN})
  if(NOT SNAPSIM_BUILD_TESTS)
    add_executable(${NAME} EXCLUDE_FROM_ALL ${PROJECT_SOURCE_DIR}/cmake/tests_off_stand_in.cc)
    target_compile_definitions(${NAME} PRIVATE SNAPSIM_TEST_NAME="${NAME}")
    return()
  endif()
  add_executable(${NAME} ${ARG_SRCS})
  target_link_libraries(${NAME} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  snapsim_warnings(${NAME})
  gtest_discover_tests(${NAME}
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DISCOVERY_TIMEOUT 60)
  # gtest_discover_tests cannot pass a list-valued property through, so the discovered
  # cases (the list ${NAME}_TESTS) are labelled by a script ctest reads after discovery.
  set(labels unit ${ARG_LABELS})
  set(script ${CMAKE_CURRENT_BINARY_DIR}/${NAME}_labels.cmake)
  file(WRITE ${script}
       "if(${NAME}_TESTS)\n  set_tests_properties(\${${NAME}_TESTS} PROPERTIES LABELS \"${labels}\")\nendif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES ${script})
endfunction()

function(snapsim_warnings TARGET)
  target_compile_options(${TARGET} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
