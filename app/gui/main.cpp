// ddpm-studio: the desktop app. Everything lives in ui/; this only starts it.
#include <QApplication>
#include <QIcon>

#include "ddpm/blas_kernels.h"
#include "ddpm/runtime.h"
#include "main_window.h"
#include "quit_signals.h"

int main(int argc, char* argv[])
{
    ddpm::selectBlasKernels(argv);
    ddpm::configureAllocator();
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("DDPM Studio"));
    QApplication::setApplicationName(QStringLiteral("ddpm-studio"));
    QApplication::setApplicationDisplayName(QStringLiteral("DDPM Studio"));
    QApplication::setApplicationVersion(QStringLiteral(DDPM_VERSION));
    // The installed desktop file is DDPM_APP_ID.desktop: naming it maps the windows to it
    // (the Wayland app id, the icon and the name in the task bar).
    QGuiApplication::setDesktopFileName(QStringLiteral(DDPM_APP_ID));
    QApplication::setWindowIcon(QIcon(QStringLiteral(":/icons/" DDPM_APP_ID ".svg")));

    ddpm::ui::MainWindow window;
    // SIGTERM, SIGINT and SIGHUP close the window as its close button does (settings saved).
    ddpm::ui::QuitSignals quitSignals;
    QObject::connect(&quitSignals, &ddpm::ui::QuitSignals::received, &window, &QWidget::close);
    window.show();
    return app.exec();
}
