// ImageView: shows one QImage scaled to fit with a caption underneath; small images are
// enlarged with nearest-neighbour sampling so their pixels stay visible.
#pragma once

#include <QImage>
#include <QWidget>

namespace ddpm::ui {

class ImageView : public QWidget {
    Q_OBJECT
public:
    explicit ImageView(const QString& caption = QString(), QWidget* parent = nullptr);

    void setImage(const QImage& image);
    const QImage& image() const { return m_image; }

    void setCaption(const QString& caption);
    QString caption() const { return m_caption; }

    /// Text shown in place of the image while there is none (e.g. "computing…").
    void setPlaceholder(const QString& text);

    /// Makes the height follow the width (the image's aspect plus the caption), for rows of tiles.
    void setFollowWidth(bool follow);
    bool hasHeightForWidth() const override { return m_followWidth; }
    int heightForWidth(int width) const override;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    QImage m_image;
    QString m_caption;
    QString m_placeholder;
    bool m_followWidth = false;
};

} // namespace ddpm::ui
