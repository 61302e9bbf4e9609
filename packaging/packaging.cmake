# What `cmake --install` puts where, and the Debian package CPack builds from it:
#   cpack -G DEB --config build/CPackConfig.cmake  ->  ddpm-studio_<version>_amd64.deb
# Included from the top-level CMakeLists.txt, after the targets. tests/packaging checks the
# result (desktop-file-validate, appstreamcli validate, the .deb unpacked and run).
include(GNUInstallDirs)

set(DDPM_PACKAGE_NAME "ddpm-studio")
set(_ddpm_pkg ${CMAKE_CURRENT_LIST_DIR})
set(_ddpm_docdir ${CMAKE_INSTALL_DATADIR}/doc/${DDPM_PACKAGE_NAME})

# The desktop integration, every file named after the one id (DDPM_APP_ID).
if(DDPM_BUILD_GUI)
  install(FILES ${_ddpm_pkg}/${DDPM_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
  install(FILES ${_ddpm_pkg}/${DDPM_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
  install(FILES ${PROJECT_SOURCE_DIR}/resources/icons/${DDPM_APP_ID}.svg
          DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/scalable/apps)
  # PNG sizes rendered once from the SVG by packaging/render-icons.sh and committed.
  foreach(size 16 24 32 48 64 128 256)
    install(FILES ${_ddpm_pkg}/icons/${size}x${size}/${DDPM_APP_ID}.png
            DESTINATION ${CMAKE_INSTALL_DATADIR}/icons/hicolor/${size}x${size}/apps)
  endforeach()
endif()

# The bundled sample image (also compiled into the app) for the CLI, with its provenance
# note and its licence's text beside it.
install(FILES ${PROJECT_SOURCE_DIR}/resources/images/chelsea.png
              ${PROJECT_SOURCE_DIR}/resources/images/README.md
              ${PROJECT_SOURCE_DIR}/resources/images/CC0-1.0.txt
        DESTINATION ${CMAKE_INSTALL_DATADIR}/${DDPM_PACKAGE_NAME}/images)

# Files Debian ships gzip'd (-9n: no name or time stamp, so the bytes are the same on every
# build): the man pages (written by hand, the version filled in) and the changelog.
set(_ddpm_gzipped)
function(_ddpm_gzip source configured)
  configure_file(${source} ${configured} @ONLY)
  add_custom_command(OUTPUT ${configured}.gz
                     COMMAND gzip -9nkf ${configured}
                     DEPENDS ${configured}
                     COMMENT "Compressing ${configured}"
                     VERBATIM)
  set(_ddpm_gzipped ${_ddpm_gzipped} ${configured}.gz PARENT_SCOPE)
endfunction()

set(_ddpm_man_pages ddpm.1)
if(DDPM_BUILD_GUI)
  list(APPEND _ddpm_man_pages ddpm-studio.1)
endif()
foreach(page IN LISTS _ddpm_man_pages)
  _ddpm_gzip(${_ddpm_pkg}/${page}.in ${PROJECT_BINARY_DIR}/packaging/man/${page})
  install(FILES ${PROJECT_BINARY_DIR}/packaging/man/${page}.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
endforeach()
_ddpm_gzip(${_ddpm_pkg}/changelog ${PROJECT_BINARY_DIR}/packaging/changelog)
add_custom_target(ddpm_packaging_files ALL DEPENDS ${_ddpm_gzipped})

# The licences (Debian's machine-readable copyright file covers the program and the image)
# and the changelog of this native package.
install(FILES ${_ddpm_pkg}/copyright ${PROJECT_BINARY_DIR}/packaging/changelog.gz DESTINATION ${_ddpm_docdir})

# The Debian package. Depends comes from dpkg-shlibdeps (the libraries the executables
# link); the fast BLAS and the data set are recommended, not required.
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "${DDPM_PACKAGE_NAME}")
set(CPACK_PACKAGE_VENDOR "DDPM Studio developers")
set(CPACK_PACKAGE_CONTACT "DDPM Studio developers <ddpm-studio@example.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${PROJECT_DESCRIPTION}")
set(CPACK_PACKAGE_HOMEPAGE_URL "${PROJECT_HOMEPAGE_URL}")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/COPYING")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SECTION "science")
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "${PROJECT_HOMEPAGE_URL}")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-openmp, dataset-fashion-mnist")
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# The long description; CPack puts the summary above it and indents it as Debian wants.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION [=[
DDPM Studio is a desktop app and a command-line tool for seeing, teaching and
experimenting with denoising diffusion probabilistic models (Ho, Jain and
Abbeel, 2020), in C++ on Qt 6 and LibTorch, without Python.

The app has one page per idea: noise schedules overlaid (beta_t, alpha_bar_t,
log-SNR); an image noised at any step, in closed form or along the Markov
chain, with its histogram against theory; the variational bound term by term
in bits per dimension; small models trained locally on Fashion-MNIST, an image
folder or 2-D toy data, with live curves and EMA previews; and the reverse
chain, DDPM or DDIM, scrubbed step by step.

The ddpm command does the same from a shell: schedules as CSV or JSON, noised
strips, the bound, training with checkpoints and exact resume, benchmarks and
sampling. Recommended: OpenBLAS's OpenMP build (about ten times faster than
the reference BLAS) and Debian's Fashion-MNIST.
]=])
include(CPack)
